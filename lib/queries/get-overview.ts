/**
 * The Overview: every service with its request rate, error percentage, p50/p95/p99 latency
 * and a request-rate series over a window, its instances' health and the breakers that are not
 * closed on either side of it. One SQL statement, computed in the database from the rollups
 * (service_minute_totals, never raw spans) and the control-plane tables.
 *
 * Which spans are a service's "requests" (the `basis`), chosen per service over the window:
 *   1. SERVER + CONSUMER spans: the requests and messages it serves (every instrumented server);
 *   2. else CLIENT + PRODUCER spans: the calls it makes (a load generator, a cron job or a
 *      gateway instrumented on its outgoing side only), with the latency its callers' peers
 *      took as the caller saw it;
 *   3. else INTERNAL (and unspecified) spans.
 * The first group with any span in the window wins, so a service is never counted twice
 * (an INTERNAL root plus its CLIENT children would be) and never mixes two meanings.
 *
 * Window: whole minutes from floor(start); the minute holding `end` is included, so a live
 * window counts the minute in progress. Rates divide by the time covered: from floor(start)
 * to min(ceil(end), now) — a minute still in progress counts only its elapsed seconds. The
 * series covers complete minutes only (up to floor(min(ceil(end), now))), so its last point
 * never dips because the current minute has barely begun.
 *
 * Services listed: every service in the span catalogue, every service with an instance
 * (heartbeats only, no spans, is fine) or a breaker, and any with rollups in the window.
 */
import type pg from "pg";
import { z } from "zod";
import { getPool } from "@/lib/db/pool";
import { SPAN_KIND } from "@/lib/otlp/model";
import {
  NOT_CLOSED_BREAKER_STATES,
  OVERVIEW_BASES,
  type OverviewBreaker,
  type OverviewResponse,
  type OverviewService,
} from "@/lib/query-client/overview-schemas";
import { chooseBucketMs } from "@/lib/ui/time-range";

const MINUTE_MS = 60_000;

export type { OverviewBasis, OverviewBreaker, OverviewSeriesPoint, OverviewService } from "@/lib/query-client/overview-schemas";
export type Overview = OverviewResponse;

/**
 * Longest window served: the rollups are per minute, so a window costs its minutes × services
 * (about 0.5 s for 24 h of 20 services here); longer views belong to coarser rollups.
 */
export const MAX_OVERVIEW_WINDOW_MS = 7 * 86_400_000;

export const getOverviewInputSchema = z
  .object({
    startMs: z.number().finite().nonnegative(),
    endMs: z.number().finite().nonnegative(),
    /** "Now" for a window reaching into the future or the current minute; default Date.now(). */
    nowMs: z.number().finite().nonnegative().optional(),
    /** Series bucket (whole minutes); default chooseBucketMs(end − start). */
    bucketMs: z
      .number()
      .int()
      .positive()
      .refine((ms) => ms % MINUTE_MS === 0, "bucketMs must be whole minutes")
      .optional(),
  })
  .refine((input) => input.startMs < input.endMs, { message: "the window must end after it starts", path: ["endMs"] })
  .refine((input) => input.endMs - input.startMs <= MAX_OVERVIEW_WINDOW_MS, {
    message: "the window must be at most 7 days",
    path: ["startMs"],
  });
export type GetOverviewInput = z.input<typeof getOverviewInputSchema>;

type OverviewRow = {
  name: string;
  tier: number | null;
  requests: string | null;
  errors: string | null;
  request_rate: number | null;
  error_percent: number | null;
  quantiles: (number | null)[] | null;
  series: [number, number, number][] | null;
  healthy: number | null;
  degraded: number | null;
  unhealthy: number | null;
  breakers: OverviewBreakerJson[] | null;
  span_count: string | null;
  last_span_at: Date | null;
};
type OverviewBreakerJson = OverviewBreaker;

const SERVING_KINDS = [SPAN_KIND.SERVER, SPAN_KIND.CONSUMER];
const CALLING_KINDS = [SPAN_KIND.CLIENT, SPAN_KIND.PRODUCER];
// tier 0/1/2 = OVERVIEW_BASES order.
const TIER_SQL = `CASE WHEN span_kind IN (${SERVING_KINDS.join(", ")}) THEN 0 WHEN span_kind IN (${CALLING_KINDS.join(", ")}) THEN 1 ELSE 2 END`;

// $1 window start (whole minute), $2 exclusive end of the minutes read, $3 covered end (rates),
// $4 series end (complete minutes), $5 bucket ms, $6 first bucket start, all as epoch ms / timestamptz.
const OVERVIEW_SQL = `
  WITH win AS MATERIALIZED (
    -- The one read of the rollups: the minute index over this window, all services.
    SELECT service_name, minute, calls, errors, bucket_ids, bucket_counts, ${TIER_SQL} AS tier
      FROM service_minute_totals
     WHERE minute >= to_timestamp($1::float8 / 1000) AND minute < to_timestamp($2::float8 / 1000)
  ), basis AS (
    SELECT service_name, min(tier) AS tier FROM win WHERE calls > 0 GROUP BY service_name
  ), chosen AS MATERIALIZED (
    SELECT w.* FROM win w JOIN basis b ON b.service_name = w.service_name AND b.tier = w.tier
  ), totals AS (
    SELECT service_name, sum(calls) AS requests, sum(errors) AS errors FROM chosen GROUP BY service_name
  ), merged AS (
    -- Two unnests in the select list (zipped) run about twice as fast as unnest(a, b) in FROM;
    -- grouping first hands the quantile function one entry per bucket.
    SELECT service_name, b, sum(c)::int8 AS c
      FROM (SELECT service_name, unnest(bucket_ids) AS b, unnest(bucket_counts) AS c FROM chosen) AS e
     GROUP BY service_name, b
  ), quantiles AS (
    SELECT service_name, rollup_histogram_quantiles(array_agg(b), array_agg(c), '{0.5,0.95,0.99}') AS q
      FROM merged GROUP BY service_name
  ), buckets AS (
    SELECT start_ms, (least(start_ms + $5::int8, $4::int8) - greatest(start_ms, $1::int8)) / 1000.0 AS covered_s
      FROM generate_series($6::int8, $4::int8 - 1, $5::int8) AS start_ms
  ), per_bucket AS (
    SELECT service_name, (floor(extract(epoch FROM minute) * 1000 / $5::int8) * $5::int8)::int8 AS start_ms,
           sum(calls) AS calls, sum(errors) AS errors
      FROM chosen
     WHERE minute < to_timestamp($4::float8 / 1000)
     GROUP BY 1, 2
  ), series AS (
    SELECT t.service_name,
           json_agg(json_build_array(g.start_ms, coalesce(p.calls, 0) / g.covered_s, coalesce(p.errors, 0) / g.covered_s)
                    ORDER BY g.start_ms) AS points
      FROM totals t
     CROSS JOIN buckets g
      LEFT JOIN per_bucket p ON p.service_name = t.service_name AND p.start_ms = g.start_ms
     GROUP BY t.service_name
  ), instance_counts AS (
    SELECT service,
           count(*) FILTER (WHERE status = 'healthy')::int AS healthy,
           count(*) FILTER (WHERE status = 'degraded')::int AS degraded,
           count(*) FILTER (WHERE status = 'unhealthy')::int AS unhealthy
      FROM instances GROUP BY service
  ), not_closed AS (
    SELECT b.owner_service, b.owner_instance_id, i.status AS owner_status, b.target_service, b.target_instance_id,
           b.state, b.state_since
      FROM breakers b
      JOIN instances i ON i.instance_id = b.owner_instance_id AND i.status <> 'deregistered'
     WHERE b.state IN (${NOT_CLOSED_BREAKER_STATES.map((s) => `'${s}'`).join(", ")})
  ), breaker_lists AS (
    SELECT service,
           json_agg(json_build_object('direction', direction, 'ownerService', owner_service,
                                      'ownerInstanceId', owner_instance_id, 'ownerStatus', owner_status,
                                      'targetService', target_service, 'targetInstanceId', target_instance_id,
                                      'state', state, 'stateSince', state_since)
                    ORDER BY owner_status = 'unhealthy', CASE state WHEN 'open' THEN 0 WHEN 'half_open' THEN 1 ELSE 2 END,
                             state_since, owner_instance_id COLLATE "C", target_instance_id COLLATE "C") AS list
      FROM (SELECT owner_service AS service, 'outbound' AS direction, * FROM not_closed
            UNION ALL
            SELECT target_service, 'inbound', * FROM not_closed WHERE target_service <> owner_service) AS x
     GROUP BY service
  ), names AS (
    SELECT name FROM services
    -- A service whose instances are all deregistered is gone (as on Topology), unless it has spans.
    UNION SELECT service FROM instances WHERE status <> 'deregistered'
    UNION SELECT service FROM breaker_lists
    UNION SELECT service_name FROM totals
  )
  SELECT n.name, bs.tier, t.requests, t.errors,
         (t.requests / greatest(($3::int8 - $1::int8) / 1000.0, 0.001))::float8 AS request_rate,
         (100.0 * t.errors / nullif(t.requests, 0))::float8 AS error_percent,
         q.q AS quantiles, s.points AS series,
         ic.healthy, ic.degraded, ic.unhealthy, bl.list AS breakers,
         sv.span_count, sv.last_seen AS last_span_at
    FROM names n
    LEFT JOIN basis bs ON bs.service_name = n.name
    LEFT JOIN totals t ON t.service_name = n.name
    LEFT JOIN quantiles q ON q.service_name = n.name
    LEFT JOIN series s ON s.service_name = n.name
    LEFT JOIN instance_counts ic ON ic.service = n.name
    LEFT JOIN breaker_lists bl ON bl.service = n.name
    LEFT JOIN services sv ON sv.name = n.name
   ORDER BY n.name COLLATE "C"`;

const usToMs = (us: number | null | undefined) => (us === null || us === undefined ? null : us / 1_000);

/** The overview of every service over [startMs, endMs) (see the module comment for the exact window). */
export async function getOverview(input: GetOverviewInput, pool: pg.Pool = getPool()): Promise<Overview> {
  const { startMs, endMs, nowMs = Date.now(), bucketMs: requestedBucketMs } = getOverviewInputSchema.parse(input);
  const windowStartMs = Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
  const minutesEndMs = Math.ceil(endMs / MINUTE_MS) * MINUTE_MS;
  // A window in the future has covered nothing yet; keep the end at or after the start.
  const windowEndMs = Math.max(windowStartMs, Math.min(minutesEndMs, Math.floor(nowMs)));
  const seriesEndMs = Math.floor(windowEndMs / MINUTE_MS) * MINUTE_MS;
  const bucketMs = requestedBucketMs ?? chooseBucketMs(endMs - startMs);
  const firstBucketMs = Math.floor(windowStartMs / bucketMs) * bucketMs;

  const { rows } = await pool.query<OverviewRow>(OVERVIEW_SQL, [
    windowStartMs,
    minutesEndMs,
    windowEndMs,
    seriesEndMs,
    bucketMs,
    firstBucketMs,
  ]);

  const services = rows.map((row): OverviewService => {
    const quantiles = row.quantiles ?? [null, null, null];
    const requests = Number(row.requests ?? 0);
    return {
      name: row.name,
      basis: row.tier === null ? null : OVERVIEW_BASES[row.tier],
      requests,
      errors: Number(row.errors ?? 0),
      requestRate: row.request_rate ?? 0,
      errorPercent: requests > 0 ? row.error_percent : null,
      p50Ms: usToMs(quantiles[0]),
      p95Ms: usToMs(quantiles[1]),
      p99Ms: usToMs(quantiles[2]),
      series: (row.series ?? []).map(([start, requestRate, errorRate]) => ({ startMs: start, requestRate, errorRate })),
      instances: {
        healthy: row.healthy ?? 0,
        degraded: row.degraded ?? 0,
        unhealthy: row.unhealthy ?? 0,
        total: (row.healthy ?? 0) + (row.degraded ?? 0) + (row.unhealthy ?? 0),
      },
      breakers: (row.breakers ?? []).map((breaker) => ({
        ...breaker,
        // json_build_object writes timestamptz as "2026-11-21T10:05:00+00:00"; the API speaks toISOString().
        stateSince: new Date(breaker.stateSince).toISOString(),
      })),
      spanCount: row.span_count === null ? null : Number(row.span_count),
      lastSpanAt: row.last_span_at === null ? null : row.last_span_at.toISOString(),
    };
  });
  return { windowStartMs, windowEndMs, bucketMs, services };
}
