import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import type { DiscoveryInstance, DiscoveryResponse, DiscoveryRoute } from "./contract";
import { computeDiscoveryVersion, sortDiscoveryContent } from "./discovery-version";

/**
 * What discovery answers for a set of services: their healthy and degraded instances and the
 * routes serving them, with the content-hash version. Both lists come from one statement, so
 * they are one consistent snapshot.
 */
export async function getDiscovery(services: readonly string[], pool: pg.Pool = getPool()): Promise<DiscoveryResponse> {
  const { rows } = await pool.query<{ instances: DiscoveryInstance[]; routes: DiscoveryRoute[] }>(
    `SELECT
       (SELECT coalesce(json_agg(json_build_object(
                 'instanceId', instance_id, 'service', service, 'version', version, 'address', address, 'status', status)), '[]')
          FROM instances
         WHERE service = ANY($1::text[]) AND status IN ('healthy', 'degraded')) AS instances,
       (SELECT coalesce(json_agg(json_build_object('id', id, 'service', service, 'version', version, 'backends', backends)), '[]')
          FROM routes
         WHERE service = ANY($1::text[])) AS routes`,
    [[...new Set(services)]],
  );
  const content = sortDiscoveryContent(rows[0]);
  return { version: computeDiscoveryVersion(content), ...content };
}
