import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import { NotFoundError } from "@/lib/http/errors";
import { SPAN_KIND, STATUS_CODE } from "@/lib/otlp/model";
import type { RouteVersionRed } from "./contract";

/** A rate is never divided by less than this (a window that just began). */
const MIN_RATE_WINDOW_MS = 1_000;

/**
 * GET /api/v1/routes/{id}/versions: RED per backend version over [fromMs, toMs).
 *
 * Read from the route service's SERVER spans, grouped by their resource's service.version
 * (resources are per instance, so the version comes from a join with a handful of rows), not
 * from the gateway's CLIENT spans by breakwater.backend.version: the version's own spans are
 * what it served — its latency without the gateway's network, its errors — and they are found
 * through spans (service_name, start_time DESC) alone, whereas the gateway's CLIENT spans of
 * one route sit among every route's spans and need a JSON attribute test on each. The catch:
 * callers other than the gateway are counted too (the version's behaviour, whoever calls).
 * Percentiles are exact (percentile_cont in PostgreSQL). Configured versions without requests
 * are listed with zeros, so the page can put v1 and v2 side by side from the first save.
 */
export async function getRouteVersionRed(
  routeId: string,
  window: { fromMs: number; toMs: number },
  pool: pg.Pool = getPool(),
): Promise<RouteVersionRed> {
  const route = await pool.query<{ service: string; versions: string[] }>(
    `SELECT service, ARRAY(SELECT b ->> 'version' FROM jsonb_array_elements(backends) b) AS versions FROM routes WHERE id = $1`,
    [routeId],
  );
  if (route.rows[0] === undefined) throw new NotFoundError(`route ${routeId} not found`);
  const { service, versions: configured } = route.rows[0];
  const { rows } = await pool.query<{
    version: string;
    requests: number;
    errors: number;
    p50_ms: number | null;
    p95_ms: number | null;
    p99_ms: number | null;
  }>(
    `WITH versions AS (
       SELECT id, coalesce(attributes ->> 'service.version', 'unknown') AS version FROM resources WHERE service_name = $1
     ), per_version AS (
       SELECT v.version, count(*)::int AS requests, (count(*) FILTER (WHERE s.status_code = $5))::int AS errors,
              percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY s.duration_ns) AS p_ns
         FROM spans s JOIN versions v ON v.id = s.resource_id
        WHERE s.service_name = $1 AND s.start_time >= $2 AND s.start_time < $3 AND s.kind = $4
        GROUP BY v.version
     )
     SELECT version, requests, errors, p_ns[1] / 1e6 AS p50_ms, p_ns[2] / 1e6 AS p95_ms, p_ns[3] / 1e6 AS p99_ms
       FROM per_version`,
    [service, new Date(window.fromMs), new Date(window.toMs), SPAN_KIND.SERVER, STATUS_CODE.ERROR],
  );
  const seconds = Math.max(window.toMs - window.fromMs, MIN_RATE_WINDOW_MS) / 1_000;
  const byVersion = new Map(rows.map((row) => [row.version, row]));
  const others = rows
    .map((row) => row.version)
    .filter((version) => !configured.includes(version))
    .sort();
  return {
    from: new Date(window.fromMs).toISOString(),
    to: new Date(window.toMs).toISOString(),
    versions: [...configured, ...others].map((version) => {
      const row = byVersion.get(version);
      const requests = row?.requests ?? 0;
      return {
        version,
        requests,
        ratePerSecond: requests / seconds,
        errorRate: requests === 0 ? 0 : (row?.errors ?? 0) / requests,
        p50Ms: row?.p50_ms ?? null,
        p95Ms: row?.p95_ms ?? null,
        p99Ms: row?.p99_ms ?? null,
      };
    }),
  };
}
