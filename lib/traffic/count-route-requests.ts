import type pg from "pg";
import { RESILIENCE_ATTRIBUTES } from "@/lib/control/contract";
import { attributeKeyNamesFor } from "@/lib/db/attribute-keys";
import { SPAN_KIND } from "@/lib/otlp/model";

/** Requests sent to one backend version in one time bucket. */
export type VersionCount = { t: number; version: string; requests: number };

type Window = { fromMs: number; toMs: number; stepMs: number };

/**
 * Requests per backend version and time bucket (`stepMs`, aligned to the epoch) from the
 * gateways' load-balancer counters (lb_counts: 10 s buckets on Breakwater's clock), optionally
 * only those sent under one route version. Index: lb_counts (route_id, bucket_start).
 */
export async function countRouteLbRequests(
  pool: pg.Pool | pg.PoolClient,
  routeId: string,
  window: Window & { routeVersion?: number },
): Promise<VersionCount[]> {
  const { rows } = await pool.query<{ t: Date; version: string; requests: string }>(
    `SELECT date_bin($4 * interval '1 millisecond', bucket_start, timestamptz 'epoch') AS t, backend AS version,
            sum(requests) AS requests
       FROM lb_counts
      WHERE route_id = $1 AND bucket_start >= $2 AND bucket_start < $3
        AND ($5::int IS NULL OR route_version = $5)
      GROUP BY 1, 2`,
    [routeId, new Date(window.fromMs), new Date(window.toMs), window.stepMs, window.routeVersion ?? null],
  );
  return rows.map((row) => ({ t: row.t.getTime(), version: row.version, requests: Number(row.requests) }));
}

/**
 * Requests per backend version and time bucket from the gateways' CLIENT spans of the route
 * (breakwater.route = the route, version from breakwater.backend.version; one span per
 * attempt, as the LB counters count). Only the gateways' own services are read (those that
 * reported the route: route_applied, or LB counts since `fromMs`), each through spans
 * (service_name, start_time DESC) bounded by the window, so partitions outside it are skipped;
 * the kind and attribute tests filter those rows. No gateway known → nothing.
 *
 * The cost still grows with the window: a gateway's spans are a large share of all spans
 * (a third in the demo) and sit on nearly every heap page, so an hour reads the whole hour
 * partition. Fine for a minute (the detail); the split series uses countRouteSpanSeries.
 */
export async function countRouteSpanRequests(pool: pg.Pool, routeId: string, window: Window): Promise<VersionCount[]> {
  const services = await listRouteGatewayServices(pool, routeId, window.fromMs);
  return services.length === 0 ? [] : countGatewaySpans(pool, routeId, services, window);
}

/** A bucket is final once it ended this long ago: spans come in late (SDK batching, export retries, long attempts). */
export const SPAN_BUCKET_SEAL_MS = 120_000;
/** Cached series per pool, least recently used first; at most this many (route, step, gateways). */
const SPAN_SERIES_CACHE_ENTRIES = 256;
type SeriesEntry = { fromMs: number; toMs: number; counts: VersionCount[] };
const spanSeriesCache = new WeakMap<pg.Pool, Map<string, SeriesEntry>>();

/**
 * countRouteSpanRequests for the split series, which the Traffic page polls every 2 s: buckets
 * that ended at least SPAN_BUCKET_SEAL_MS ago are kept in memory per (pool, route, step,
 * gateway services), so a poll reads only the spans of the unsealed tail (about the last
 * 2 min, through the index) instead of the whole window again. `fromMs` must be aligned to
 * `stepMs`. A span arriving more than SPAN_BUCKET_SEAL_MS late (or stamped by a gateway clock
 * that far behind Breakwater's) is missed until the entry falls out (the page's range or the
 * gateways change, or this process restarts).
 */
export async function countRouteSpanSeries(
  pool: pg.Pool,
  routeId: string,
  window: Window,
  nowMs: number = Date.now(),
): Promise<VersionCount[]> {
  const services = await listRouteGatewayServices(pool, routeId, window.fromMs);
  if (services.length === 0) return [];
  const { fromMs, toMs, stepMs } = window;
  const key = JSON.stringify([routeId, stepMs, services]);
  const cache = spanSeriesCache.get(pool) ?? new Map<string, SeriesEntry>();
  spanSeriesCache.set(pool, cache);
  const entry = cache.get(key);
  cache.delete(key);

  // Whole buckets only: the last one of a window ending in the past may be cut by `toMs`.
  const sealedToMs = Math.max(fromMs, Math.min(floorTo(nowMs - SPAN_BUCKET_SEAL_MS, stepMs), floorTo(toMs, stepMs)));
  const usable = entry !== undefined && entry.fromMs <= fromMs && entry.toMs > fromMs;
  const cachedToMs = usable ? Math.min(entry.toMs, sealedToMs) : fromMs;
  const cached = usable ? entry.counts.filter((count) => count.t >= fromMs && count.t < cachedToMs) : [];
  const fresh = cachedToMs < toMs ? await countGatewaySpans(pool, routeId, services, { fromMs: cachedToMs, toMs, stepMs }) : [];
  const counts = [...cached, ...fresh];

  const keepToMs = Math.max(cachedToMs, sealedToMs);
  cache.set(key, { fromMs, toMs: keepToMs, counts: counts.filter((count) => count.t < keepToMs) });
  if (cache.size > SPAN_SERIES_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  return counts;
}

function floorTo(ms: number, stepMs: number): number {
  return Math.floor(ms / stepMs) * stepMs;
}

/** The services of the gateway instances that reported the route (applied it, or counted requests for it since `sinceMs`). */
async function listRouteGatewayServices(pool: pg.Pool, routeId: string, sinceMs: number): Promise<string[]> {
  const { rows } = await pool.query<{ service: string }>(
    `SELECT DISTINCT i.service FROM instances i
      WHERE i.instance_id IN (SELECT gateway_instance_id FROM route_applied WHERE route_id = $1
                              UNION SELECT gateway_instance_id FROM lb_counts WHERE route_id = $1 AND bucket_start >= $2)
      ORDER BY 1`,
    [routeId, new Date(sinceMs)],
  );
  return rows.map((row) => row.service);
}

async function countGatewaySpans(pool: pg.Pool, routeId: string, services: string[], window: Window): Promise<VersionCount[]> {
  // Span attribute keys are stored by dictionary id or as "~key" literals (lib/db/attribute-keys).
  const names = attributeKeyNamesFor(pool);
  const routeKeys = await names.storedForms(pool, RESILIENCE_ATTRIBUTES.route);
  const versionKeys = await names.storedForms(pool, RESILIENCE_ATTRIBUTES.backendVersion);
  const { rows } = await pool.query<{ t: Date; version: string; requests: number }>(
    `SELECT date_bin($4 * interval '1 millisecond', s.start_time, timestamptz 'epoch') AS t,
            coalesce(s.attributes ->> $7, s.attributes ->> $8) AS version, count(*)::int AS requests
       FROM spans s
      WHERE s.service_name = ANY($1::text[]) AND s.start_time >= $2 AND s.start_time < $3
        AND s.kind = $5 AND s.attributes @> ANY($6::jsonb[])
        AND coalesce(s.attributes ->> $7, s.attributes ->> $8) IS NOT NULL
      GROUP BY 1, 2`,
    [
      services,
      new Date(window.fromMs),
      new Date(window.toMs),
      window.stepMs,
      SPAN_KIND.CLIENT,
      routeKeys.map((key) => JSON.stringify({ [key]: routeId })),
      versionKeys[0],
      versionKeys[versionKeys.length - 1],
    ],
  );
  return rows.map((row) => ({ t: row.t.getTime(), version: row.version, requests: row.requests }));
}
