/**
 * Step 3 of edge pairing (see compute-rollups): halves of a batch's pairs that are neither in
 * the batch nor in the process cache are looked up in `spans`, inside the span transaction and
 * after the batch's spans are written.
 *
 * Before looking, the transaction takes a transaction-scoped advisory lock per trace involved
 * (sorted, so two writers cannot deadlock on them). Two transactions that hold the two halves
 * of one pair therefore look one after the other, and the second, whose statement snapshot
 * is taken after the first committed, sees the first's span: exactly one of them counts the
 * edge. Locks are only taken for traces that need the database, which is rare in steady state
 * on one process (most pairs meet in the batch or the cache).
 */
import type pg from "pg";
import { SPAN_KIND, STATUS_CODE } from "@/lib/otlp/model";
import type { DatabasePairs, RollupPlan } from "@/lib/rollups/compute-rollups";
import { pairingKey } from "@/lib/rollups/edge-pairing-cache";

/** First key of the two-key advisory locks taken per trace ("bwro"); the second is from the trace id. */
export const PAIRING_LOCK_KEY = 1651995247;

export type PairFromDatabaseOptions = {
  /** How long before its server child a client parent may have started (ms). Default 1 h. */
  parentLookbackMs?: number;
  /** Clock skew allowed between the two services' hosts (ms). Default 5 min. */
  clockSkewMs?: number;
};

/** The second lock key of a trace: its first 32 bits as a signed int4. */
function traceLockKey(traceId: string): number {
  return Number.parseInt(traceId.slice(0, 8), 16) | 0;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Looks up the parents and children the plan needs and records them in it
 * (plan.setDatabasePairs). Call inside the span transaction, after the spans are written and
 * before writeRollups(client, plan.rows()).
 */
export async function pairFromDatabase(
  client: pg.PoolClient,
  plan: RollupPlan,
  options: PairFromDatabaseOptions = {},
): Promise<void> {
  const pairs: DatabasePairs = { parents: new Map(), children: new Map() };
  plan.setDatabasePairs(pairs);
  if (!plan.pairsInDatabase) return;
  const traceIds = plan.traceIdsToLock();
  if (traceIds.length === 0) return;
  const lookbackMs = options.parentLookbackMs ?? 3_600_000;
  const skewMs = options.clockSkewMs ?? 300_000;

  const lockKeys = [...new Set(traceIds.map(traceLockKey))].sort((a, b) => a - b);
  // unnest yields the sorted array in order, so the locks are taken in that order.
  await client.query("SELECT count(pg_advisory_xact_lock($1, k)) FROM unnest($2::int4[]) AS k", [PAIRING_LOCK_KEY, lockKeys]);

  if (plan.parentLookups.length > 0) {
    const lookups = plan.parentLookups;
    const { rows } = await client.query<{
      i: string;
      service_name: string;
      start_us: string;
      duration_ns: string;
      status_code: number;
    }>(
      `SELECT l.i, p.service_name, (extract(epoch FROM p.start_time) * 1000000)::int8 AS start_us, p.duration_ns, p.status_code
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY AS l(trace_id, span_id, lo, hi, i)
         JOIN LATERAL (
           SELECT s.service_name, s.start_time, s.duration_ns, s.status_code
             FROM spans s
            WHERE s.trace_id = l.trace_id AND s.span_id = decode(l.span_id, 'hex')
              AND s.start_time >= l.lo AND s.start_time < l.hi AND s.kind IN (${SPAN_KIND.CLIENT}, ${SPAN_KIND.PRODUCER})
            LIMIT 1
         ) AS p ON true`,
      [
        lookups.map((l) => l.traceId),
        lookups.map((l) => l.parentSpanId),
        lookups.map((l) => iso(Math.floor(l.startUs / 1000) - lookbackMs)),
        lookups.map((l) => iso(Math.floor(l.startUs / 1000) + skewMs)),
      ],
    );
    for (const row of rows) {
      const lookup = lookups[Number(row.i) - 1];
      pairs.parents.set(pairingKey(lookup.traceId, lookup.parentSpanId), {
        serviceName: row.service_name,
        call: {
          startUs: Number(row.start_us),
          durationNs: Number(row.duration_ns),
          isError: row.status_code === STATUS_CODE.ERROR,
        },
      });
    }
  }

  if (plan.childLookups.length > 0) {
    const lookups = plan.childLookups;
    const { rows } = await client.query<{ i: string; service_name: string }>(
      `SELECT l.i, c.service_name
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY AS l(trace_id, span_id, lo, hi, i)
         JOIN LATERAL (
           SELECT s.service_name
             FROM spans s
            WHERE s.trace_id = l.trace_id AND s.parent_span_id = decode(l.span_id, 'hex')
              AND s.start_time >= l.lo AND s.start_time < l.hi AND s.kind IN (${SPAN_KIND.SERVER}, ${SPAN_KIND.CONSUMER})
            LIMIT 1
         ) AS c ON true`,
      [
        lookups.map((l) => l.traceId),
        lookups.map((l) => l.spanId),
        lookups.map((l) => iso(Math.floor(l.call.startUs / 1000) - skewMs)),
        lookups.map((l) => iso(Math.floor((l.call.startUs + l.call.durationNs / 1000) / 1000) + skewMs)),
      ],
    );
    for (const row of rows) {
      const lookup = lookups[Number(row.i) - 1];
      pairs.children.set(pairingKey(lookup.traceId, lookup.spanId), row.service_name);
    }
  }
}
