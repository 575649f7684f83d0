/**
 * A service's edges over a window, from edge_minute_stats (and its 5-minute and quarter-hour sums
 * for the sealed periods wholly inside the window; rollup-window-ranges): upstream (callers → this service)
 * and downstream (this service → callees, virtual nodes such as `postgresql` included), each
 * with calls, errors, rate, error percentage and p50/p95/p99 as the CLIENT spans measured
 * them, computed in PostgreSQL. Each edge also carries the circuit breakers on it (owner
 * instance of the caller → target instance of the callee, from `breakers`), and an edge that
 * has breakers but no calls in the window is listed too: an open breaker that refuses every
 * call is exactly the edge to show.
 *
 * Upstream edges include virtual ones named after this service (a client span with
 * `peer.service` = this service that never got a SERVER child): calls that may never have
 * reached it.
 */
import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import type { BreakerState, InstanceStatus } from "@/lib/control/contract";
import { type QuantileColumns, queryRollupWindow, quantileBucketsSql, quantilesFromBuckets } from "./histogram-quantile-sql";
import { EDGE_STATS } from "@/lib/rollups/rollup-levels";
import { rollupRowsSql } from "./rollup-window-ranges";
import { toServiceWindow, windowRateDivisorMs } from "@/lib/service-detail/service-window";

export const EDGE_DIRECTIONS = ["upstream", "downstream"] as const;
export type EdgeDirection = (typeof EDGE_DIRECTIONS)[number];

export type EdgeBreaker = {
  ownerInstanceId: string;
  targetInstanceId: string;
  state: BreakerState;
  /** ISO 8601. */
  stateSince: string;
  /** The owner's registry status; null when it is no longer registered. */
  ownerStatus: InstanceStatus | null;
};

export type EdgeStats = {
  calls: number;
  errors: number;
  ratePerS: number;
  errorPct: number;
  /** µs. */
  p50Us: number;
  p95Us: number;
  p99Us: number;
};

export type ServiceEdge = {
  direction: EdgeDirection;
  /** The caller (upstream) or callee (downstream): a service, or a virtual node's name. */
  peer: string;
  /** The callee is an uninstrumented peer named by the client span (db.system, peer.service, …). */
  isVirtual: boolean;
  /** Null when the edge had no calls in the window (it is listed for its breakers). */
  stats: EdgeStats | null;
  /** By owner then target instance. */
  breakers: EdgeBreaker[];
};

export type ServiceEdges = {
  service: string;
  fromMs: number;
  toMs: number;
  /** Busiest first, then by name. */
  upstream: ServiceEdge[];
  downstream: ServiceEdge[];
};

type EdgeRow = QuantileColumns & {
  direction: EdgeDirection;
  peer: string;
  is_virtual: boolean;
  calls: string | null;
  errors: string | null;
  rate_per_s: number | null;
  error_pct: number | null;
  breakers: (Omit<EdgeBreaker, "stateSince"> & { stateSince: string })[] | null;
};

// $1 service, $2 rate divisor ms; then the ranges' bounds (rollupRowsSql).
const edgesSql = (downstream: string, upstream: string) => `
  WITH traffic AS (
    ${downstream}
    UNION ALL
    ${upstream}
  ), totals AS (
    SELECT direction, peer, is_virtual, sum(calls) AS calls, sum(errors) AS errors
      FROM traffic GROUP BY direction, peer, is_virtual HAVING sum(calls) > 0
  ), merged AS (
    SELECT direction, peer, is_virtual, b, sum(c)::int8 AS c
      FROM (SELECT direction, peer, is_virtual, unnest(bucket_ids) AS b, unnest(bucket_counts) AS c FROM traffic) AS e
     GROUP BY direction, peer, is_virtual, b
  ), quantiles AS (
    ${quantileBucketsSql("direction, peer, is_virtual")}
  ), stats AS (
    SELECT t.direction, t.peer, t.is_virtual, t.calls, t.errors,
           (t.calls * 1000.0 / $2::int8)::float8 AS rate_per_s,
           (100.0 * t.errors / t.calls)::float8 AS error_pct,
           q.p50_us, q.p95_us, q.p99_us
      FROM totals t JOIN quantiles q USING (direction, peer, is_virtual)
  ), breaker_rows AS (
    -- A service calling itself has its breakers in both directions, as its calls are.
    SELECT 'downstream' AS direction, b.target_service AS peer,
           b.owner_instance_id, b.target_instance_id, b.state, b.state_since, i.status AS owner_status
      FROM breakers b LEFT JOIN instances i ON i.instance_id = b.owner_instance_id
     WHERE b.owner_service = $1
    UNION ALL
    SELECT 'upstream', b.owner_service, b.owner_instance_id, b.target_instance_id, b.state, b.state_since, i.status
      FROM breakers b LEFT JOIN instances i ON i.instance_id = b.owner_instance_id
     WHERE b.target_service = $1
  ), breaker_edges AS (
    SELECT direction, peer, false AS is_virtual,
           json_agg(json_build_object('ownerInstanceId', owner_instance_id, 'targetInstanceId', target_instance_id,
                                      'state', state, 'stateSince', state_since, 'ownerStatus', owner_status)
                    ORDER BY owner_instance_id COLLATE "C", target_instance_id COLLATE "C") AS breakers
      FROM breaker_rows GROUP BY direction, peer
  )
  SELECT coalesce(s.direction, be.direction) AS direction, coalesce(s.peer, be.peer) AS peer,
         coalesce(s.is_virtual, be.is_virtual) AS is_virtual,
         s.calls, s.errors, s.rate_per_s, s.error_pct, s.p50_us, s.p95_us, s.p99_us, be.breakers
    FROM stats s
    FULL JOIN breaker_edges be ON be.direction = s.direction AND be.peer = s.peer AND be.is_virtual = s.is_virtual
   ORDER BY coalesce(s.calls, 0) DESC, coalesce(s.peer, be.peer) COLLATE "C", coalesce(s.is_virtual, be.is_virtual)`;

export async function getServiceEdges(
  input: { service: string; fromMs: number; toMs: number },
  pool: pg.Pool = getPool(),
): Promise<ServiceEdges> {
  const window = toServiceWindow(input.fromMs, input.toMs);
  const { rows } = await queryRollupWindow<EdgeRow>(pool, window, undefined, (parts) => {
    const params: unknown[] = [input.service, windowRateDivisorMs(window)];
    const measures = "is_virtual, calls, errors, bucket_ids, bucket_counts";
    const downstream = rollupRowsSql(
      EDGE_STATS,
      parts,
      `'downstream' AS direction, callee AS peer, ${measures}`,
      "caller_service = $1",
      params,
    );
    const upstream = rollupRowsSql(
      EDGE_STATS,
      parts,
      `'upstream' AS direction, caller_service AS peer, ${measures}`,
      "callee = $1",
      params,
    );
    return { sql: edgesSql(downstream, upstream), params };
  });
  const edges = rows.map((row): ServiceEdge => {
    return {
      direction: row.direction,
      peer: row.peer,
      isVirtual: row.is_virtual,
      stats:
        row.calls === null
          ? null
          : {
              calls: Number(row.calls),
              errors: Number(row.errors),
              ratePerS: row.rate_per_s ?? 0,
              errorPct: row.error_pct ?? 0,
              ...quantilesFromBuckets(row),
            },
      // json_build_object renders timestamptz in the session's format; normalize to ISO 8601.
      breakers: (row.breakers ?? []).map((breaker) => ({ ...breaker, stateSince: new Date(breaker.stateSince).toISOString() })),
    };
  });
  return {
    service: input.service,
    fromMs: window.fromMinuteMs,
    toMs: window.toMs,
    upstream: edges.filter((edge) => edge.direction === "upstream"),
    downstream: edges.filter((edge) => edge.direction === "downstream"),
  };
}
