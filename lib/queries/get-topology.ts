/**
 * The service graph over a window, from the per-minute rollups (never raw spans):
 *
 * - nodes: services with rows in service_minute_totals (stats over their SERVER and CONSUMER
 *   spans), virtual peers (stats over the calls their callers made), services that only send
 *   heartbeats (instances), and both ends of breakers;
 * - edges: edge_minute_stats per caller → callee (the CLIENT spans' calls, errors and
 *   latency), plus the breakers of each owner → target service pair, counted per state and
 *   owner liveness.
 *
 * Every number is computed in SQL: sums, rates (calls over the covered seconds, see
 * lib/topology/rollup-window), error rates, and the histogram bucket holding each of
 * p50/p95/p99 of the merged histograms — rollup_histogram_quantiles' nearest-rank rule, for
 * every node and edge in one window pass (quantileBucketsSql; calling the function per group
 * cost ≈ 1 ms each here), reported as the bucket's value (within 1.96 % of the exact
 * values). Reads go through the
 * `minute` indexes of the rollup tables, one day partition for windows up to a day, so cost
 * grows with minutes × services and edges, not with spans.
 *
 * A virtual callee whose name is also a service seen in the window (a client named its peer
 * with peer.service, and the call got no server span — a refused connection, say) is the
 * same node: its rows are merged into the real edge, so the graph never shows "payments"
 * twice.
 */
import type pg from "pg";
import { z } from "zod";
import type { BreakerState } from "@/lib/control/contract";
import { getPool } from "@/lib/db/pool";
import { SPAN_KIND } from "@/lib/otlp/model";
import type { TopologyResponse } from "@/lib/query-client/topology-schemas";
import { assembleTopology, type TopologyRows } from "@/lib/topology/assemble-topology";
import { resolveRollupWindow } from "@/lib/topology/rollup-window";
import { quantileBucketsSql } from "./histogram-quantile-sql";
import { toTrafficStats, type TrafficStatsRow } from "./traffic-stats-row";

export const topologyInputSchema = z.object({
  fromMs: z.number().finite(),
  toMs: z.number().finite(),
  /** "Now" for the covered time (tests pin it). */
  nowMs: z.number().finite().optional(),
});
export type TopologyInput = z.input<typeof topologyInputSchema>;

const SERVER_KINDS = [SPAN_KIND.SERVER, SPAN_KIND.CONSUMER];

/** SQL select-list for TrafficStats over `t` (calls, errors) and `q` (quantile buckets); $3 = covered seconds. */
const STATS_SELECT = `t.calls, t.errors,
       CASE WHEN $3::float8 > 0 THEN t.calls / $3::float8 ELSE 0 END AS rps,
       CASE WHEN t.calls > 0 THEN t.errors::float8 / t.calls END AS error_rate,
       q.p50_us, q.p95_us, q.p99_us`;

/**
 * Services with rollup rows in the window (any span kind, so a pure client like a load
 * generator is a node too), with stats over the spans they served.
 */
async function readServices(pool: pg.Pool, params: unknown[]): Promise<TopologyRows["services"]> {
  const { rows } = await pool.query<TrafficStatsRow & { service_name: string }>(
    `WITH window_rows AS (
       SELECT dense_rank() OVER (ORDER BY service_name)::int AS g, service_name, span_kind = ANY($4::int2[]) AS is_served,
              calls, errors, bucket_ids, bucket_counts
         FROM service_minute_totals
        WHERE minute >= $1 AND minute < $2
     ), t AS (
       SELECT g, min(service_name) AS service_name, coalesce(sum(calls) FILTER (WHERE is_served), 0) AS calls,
              coalesce(sum(errors) FILTER (WHERE is_served), 0) AS errors
         FROM window_rows GROUP BY g
     ), merged AS MATERIALIZED (
       -- Two unnests in the select list (zipped) run about twice as fast as unnest(a, b) in
       -- FROM (lib/rollups/get-service-percentiles). An integer group key, and MATERIALIZED so
       -- the merge is hashed (one row per group and bucket) before the window pass sorts it:
       -- otherwise every unnested entry is sorted on text keys, and sorts spill to disk.
       SELECT g, b, sum(c)::int8 AS c
         FROM (SELECT g, unnest(bucket_ids) AS b, unnest(bucket_counts) AS c FROM window_rows WHERE is_served) AS e
        GROUP BY g, b
     ), q AS (${quantileBucketsSql("g")})
     SELECT t.service_name, ${STATS_SELECT}
       FROM t LEFT JOIN q USING (g)`,
    params,
  );
  return rows.map((row) => ({ service: row.service_name, stats: toTrafficStats(row) }));
}

/**
 * Edges per caller → callee, and each virtual callee over all its callers (the rows with
 * is_node, caller ''). A virtual row whose callee is a known service counts as a real edge.
 */
async function readEdges(
  pool: pg.Pool,
  params: unknown[],
): Promise<{ edges: TopologyRows["edges"]; virtualNodes: TopologyRows["virtualNodes"] }> {
  const { rows } = await pool.query<TrafficStatsRow & { is_node: boolean; caller: string; callee: string; is_virtual: boolean }>(
    `WITH raw AS (
       SELECT caller_service, callee, is_virtual, calls, errors, bucket_ids, bucket_counts
         FROM edge_minute_stats
        WHERE minute >= $1 AND minute < $2
     ), known AS (
       SELECT service_name AS name FROM service_minute_totals WHERE minute >= $1 AND minute < $2
       UNION SELECT caller_service FROM raw
       UNION SELECT callee FROM raw WHERE NOT is_virtual
       UNION SELECT service FROM instances WHERE status <> 'deregistered'
     ), window_rows AS (
       -- A join, not NOT EXISTS per row: the planner then costs this low enough that it
       -- never JIT-compiles the statement (≈ 50 ms of compiling for a 30 ms query).
       SELECT raw.caller_service, raw.callee, raw.is_virtual AND known.name IS NULL AS is_virtual,
              raw.calls, raw.errors, raw.bucket_ids, raw.bucket_counts
         FROM raw LEFT JOIN known ON known.name = raw.callee
     ), grouped AS (
       -- Integer group keys (as in readServices): an edge per caller, callee and kind; each
       -- virtual callee over all its callers (negative keys).
       SELECT dense_rank() OVER (ORDER BY caller_service, callee, is_virtual)::int AS g, false AS is_node,
              caller_service AS caller, callee, is_virtual, calls, errors, bucket_ids, bucket_counts
         FROM window_rows
       UNION ALL
       SELECT -dense_rank() OVER (ORDER BY callee)::int, true, '', callee, true, calls, errors, bucket_ids, bucket_counts
         FROM window_rows WHERE is_virtual
     ), t AS (
       SELECT g, bool_or(is_node) AS is_node, min(caller) AS caller, min(callee) AS callee, bool_or(is_virtual) AS is_virtual,
              sum(calls) AS calls, sum(errors) AS errors
         FROM grouped GROUP BY g
     ), merged AS MATERIALIZED (
       SELECT g, b, sum(c)::int8 AS c
         FROM (SELECT g, unnest(bucket_ids) AS b, unnest(bucket_counts) AS c FROM grouped) AS e
        GROUP BY g, b
     ), q AS (${quantileBucketsSql("g")})
     SELECT t.is_node, t.caller, t.callee, t.is_virtual, ${STATS_SELECT}
       FROM t LEFT JOIN q USING (g)`,
    params,
  );
  const edges: TopologyRows["edges"] = [];
  const virtualNodes: TopologyRows["virtualNodes"] = [];
  for (const row of rows) {
    if (row.is_node) virtualNodes.push({ callee: row.callee, stats: toTrafficStats(row) });
    else edges.push({ caller: row.caller, callee: row.callee, isVirtual: row.is_virtual, stats: toTrafficStats(row) });
  }
  return { edges, virtualNodes };
}

async function readInstances(pool: pg.Pool): Promise<TopologyRows["instances"]> {
  const { rows } = await pool.query<{ service: string; healthy: number; degraded: number; unhealthy: number }>(
    `SELECT service,
            count(*) FILTER (WHERE status = 'healthy')::int AS healthy,
            count(*) FILTER (WHERE status = 'degraded')::int AS degraded,
            count(*) FILTER (WHERE status = 'unhealthy')::int AS unhealthy
       FROM instances
      WHERE status <> 'deregistered'
      GROUP BY service`,
  );
  return rows;
}

/**
 * Breakers per owner service → target service, state and owner liveness: an owner whose
 * registry status is not healthy or degraded (or that is gone) stopped reporting, so its
 * breakers' states are its last reports — stale, kept apart (isOwnerReporting, as on the
 * Breakers page and a service's page).
 */
async function readBreakers(pool: pg.Pool): Promise<TopologyRows["breakers"]> {
  const { rows } = await pool.query<{
    owner_service: string;
    target_service: string;
    state: BreakerState;
    is_stale: boolean;
    count: number;
  }>(
    `SELECT b.owner_service, b.target_service, b.state,
            coalesce(i.status NOT IN ('healthy', 'degraded'), true) AS is_stale, count(*)::int AS count
       FROM breakers b
       LEFT JOIN instances i ON i.instance_id = b.owner_instance_id
      GROUP BY 1, 2, 3, 4`,
  );
  return rows.map((row) => ({
    ownerService: row.owner_service,
    targetService: row.target_service,
    state: row.state,
    isStale: row.is_stale,
    count: row.count,
  }));
}

export async function getTopology(input: TopologyInput, pool: pg.Pool = getPool()): Promise<TopologyResponse> {
  const { fromMs, toMs, nowMs } = topologyInputSchema.parse(input);
  const window = resolveRollupWindow(fromMs, toMs, nowMs ?? Date.now());
  const windowParams = [new Date(window.fromMinuteMs), new Date(window.toMinuteMs), window.coveredSeconds];
  const [services, { edges, virtualNodes }, instances, breakers] = await Promise.all([
    readServices(pool, [...windowParams, SERVER_KINDS]),
    readEdges(pool, windowParams),
    readInstances(pool),
    readBreakers(pool),
  ]);
  return {
    fromMs: window.fromMinuteMs,
    toMs: window.coveredToMs,
    ...assembleTopology({ services, edges, virtualNodes, instances, breakers }),
  };
}
