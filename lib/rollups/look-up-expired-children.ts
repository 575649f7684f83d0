/**
 * Step 3 of edge pairing (see compute-rollups): the pending clients whose TTL ran out look for
 * their SERVER/CONSUMER child in `spans`, all in one query, in flushExpiredEdges' own
 * transaction (never in a span transaction). A child found there was written by another
 * ingest process, or by this one before a restart, and makes the client a real edge; only the
 * client's side ever counts a pair, so no lock is needed between processes.
 */
import type pg from "pg";
import { SPAN_KIND } from "@/lib/otlp/model";
import type { DatabaseChildren, RollupPlan } from "@/lib/rollups/compute-rollups";
import { pairingKey } from "@/lib/rollups/edge-pairing-cache";

export type LookUpExpiredChildrenOptions = {
  /** Clock skew allowed between the two services' hosts (ms). Default 5 min. */
  clockSkewMs?: number;
};

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Looks up the children of the plan's expired clients and records them in it. */
export async function lookUpExpiredChildren(
  client: pg.PoolClient,
  plan: RollupPlan,
  options: LookUpExpiredChildrenOptions = {},
): Promise<void> {
  const children: DatabaseChildren = new Map();
  plan.setDatabaseChildren(children);
  const lookups = plan.expiredClients;
  if (!plan.pairsInDatabase || lookups.length === 0) return;
  const skewMs = options.clockSkewMs ?? 300_000;
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
    children.set(pairingKey(lookup.traceId, lookup.spanId), row.service_name);
  }
}
