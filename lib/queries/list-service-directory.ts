import type pg from "pg";
import { getPool } from "@/lib/db/pool";

export type ServiceDirectoryEntry = {
  name: string;
  /** Spans received (0 for a service that only sends heartbeats). */
  spanCount: number;
  /** ISO 8601, the latest span start; null without spans. */
  lastSeen: string | null;
  /** Registered instances that are not deregistered. */
  instanceCount: number;
};

/**
 * Every service the dashboard has a page for: the span catalogue, plus services that only
 * send heartbeats (an instance that is not deregistered, as on the Overview and Topology).
 * Sorted by code point. The Jaeger API keeps listServices (spans only).
 */
export async function listServiceDirectory(pool: pg.Pool = getPool()): Promise<ServiceDirectoryEntry[]> {
  const { rows } = await pool.query<{ name: string; span_count: string | null; last_seen: Date | null; instance_count: number }>(
    `WITH live_instances AS (
       SELECT service, count(*)::int AS instance_count FROM instances WHERE status <> 'deregistered' GROUP BY service
     )
     SELECT coalesce(s.name, i.service) AS name, s.span_count, s.last_seen, coalesce(i.instance_count, 0) AS instance_count
       FROM services s
       FULL JOIN live_instances i ON i.service = s.name
      ORDER BY coalesce(s.name, i.service) COLLATE "C"`,
  );
  return rows.map((row) => ({
    name: row.name,
    spanCount: row.span_count === null ? 0 : Number(row.span_count),
    lastSeen: row.last_seen?.toISOString() ?? null,
    instanceCount: row.instance_count,
  }));
}
