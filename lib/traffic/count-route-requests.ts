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
 * attempt, as the LB counters count). Cheap by construction: only the gateways' own services
 * are read (those that reported the route: route_applied, or LB counts since `fromMs`), each
 * through spans (service_name, start_time DESC) bounded by the window, so partitions outside
 * it are skipped; the kind and attribute tests filter those rows. No gateway known → nothing.
 */
export async function countRouteSpanRequests(pool: pg.Pool, routeId: string, window: Window): Promise<VersionCount[]> {
  const services = await pool.query<{ service: string }>(
    `SELECT DISTINCT i.service FROM instances i
      WHERE i.instance_id IN (SELECT gateway_instance_id FROM route_applied WHERE route_id = $1
                              UNION SELECT gateway_instance_id FROM lb_counts WHERE route_id = $1 AND bucket_start >= $2)`,
    [routeId, new Date(window.fromMs)],
  );
  if (services.rows.length === 0) return [];
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
      services.rows.map((row) => row.service),
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
