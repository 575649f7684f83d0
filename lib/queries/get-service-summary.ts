/**
 * Whether Breakwater knows a service, and how: from the `services` catalogue (it sent spans
 * within the span retention), the registry (it sends heartbeats), its rollups (it sent spans
 * within the rollup retention), or only as the callee of other services' client spans in the
 * window (a virtual node such as `postgresql`). Null when none of these know the name: the
 * service detail page says so instead of drawing empty charts.
 */
import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import { toServiceWindow } from "@/lib/service-detail/service-window";

export type ServiceSummaryDetail = {
  name: string;
  /** ISO 8601, from the catalogue; null when the service has no spans within the span retention. */
  firstSeen: string | null;
  lastSeen: string | null;
  /** Spans received since the catalogue row was created. */
  spanCount: number;
  /** Registered instances (deregistered ones until pruned). */
  instanceCount: number;
  /** Known only as the callee of client spans (no spans, rollups or instances of its own). */
  isVirtual: boolean;
};

type SummaryRow = {
  first_seen: Date | null;
  last_seen: Date | null;
  span_count: string | null;
  instance_count: number;
  has_own_data: boolean;
};

export async function getServiceSummary(
  input: { service: string; fromMs: number; toMs: number },
  pool: pg.Pool = getPool(),
): Promise<ServiceSummaryDetail | null> {
  const { rows } = await pool.query<SummaryRow>(
    `SELECT s.first_seen, s.last_seen, s.span_count, i.instance_count,
            (s.name IS NOT NULL OR i.instance_count > 0
             OR EXISTS (SELECT 1 FROM service_minute_totals t WHERE t.service_name = $1)) AS has_own_data
       FROM (SELECT count(*)::int AS instance_count FROM instances WHERE service = $1) AS i
       LEFT JOIN services s ON s.name = $1`,
    [input.service],
  );
  const row = rows[0];
  if (!row.has_own_data) {
    // Only then look for it as a callee: edge_minute_stats has no index on the callee, so
    // this reads the window's edge rows (a real service never pays for it).
    const window = toServiceWindow(input.fromMs, input.toMs);
    const callee = await pool.query(
      `SELECT 1 FROM edge_minute_stats WHERE callee = $1 AND is_virtual AND minute >= $2 AND minute < $3 LIMIT 1`,
      [input.service, new Date(window.fromMinuteMs).toISOString(), new Date(window.toMinuteMs).toISOString()],
    );
    if (callee.rows.length === 0) return null;
  }
  return {
    name: input.service,
    firstSeen: row.first_seen?.toISOString() ?? null,
    lastSeen: row.last_seen?.toISOString() ?? null,
    spanCount: row.span_count === null ? 0 : Number(row.span_count),
    instanceCount: row.instance_count,
    isVirtual: !row.has_own_data,
  };
}
