import { z } from "zod";
import { getPool } from "@/lib/db/pool";
import { timestampFromMicros } from "./load-trace-spans";

export type DependencyLink = { parent: string; child: string; callCount: number };

const inputSchema = z.object({
  /** Window end, milliseconds since the epoch. */
  endMs: z.number().int().nonnegative(),
  /** Window length in milliseconds (a window reaching before the epoch starts at the epoch). */
  lookbackMs: z.number().int().positive(),
  /** Only links where this service is the parent or the child. */
  service: z.string().min(1).optional(),
});

export type GetDependenciesInput = z.input<typeof inputSchema>;

// How far before the window a parent span may start (long-running parents) and after it (clock
// skew between hosts). Bounding the parent side lets PostgreSQL prune its partitions too.
const PARENT_LEAD_US = 3_600_000_000n;
const PARENT_LAG_US = 300_000_000n;

/**
 * Service-to-service call counts in a window: every span whose parent span (same trace)
 * belongs to another service counts one call parent service → child service.
 *
 * Computed from raw spans with a time-bounded self-join on the primary key. This is the
 * interim implementation: per-minute edge rollups written at ingest will replace it, because
 * the join grows with the number of spans in the window.
 */
export async function getDependencies(input: GetDependenciesInput): Promise<DependencyLink[]> {
  const { endMs, lookbackMs, service } = inputSchema.parse(input);
  const endUs = BigInt(endMs) * 1000n;
  const lookbackUs = BigInt(lookbackMs) * 1000n;
  const startUs = endUs > lookbackUs ? endUs - lookbackUs : 0n;
  const values: unknown[] = [
    startUs.toString(),
    endUs.toString(),
    (startUs - PARENT_LEAD_US > 0n ? startUs - PARENT_LEAD_US : 0n).toString(),
    (endUs + PARENT_LAG_US).toString(),
  ];
  let serviceFilter = "";
  if (service !== undefined) {
    values.push(service);
    serviceFilter = `AND (p.service_name = $${values.length} OR c.service_name = $${values.length})`;
  }
  const { rows } = await getPool().query<{ parent: string; child: string; call_count: string }>(
    `SELECT p.service_name AS parent, c.service_name AS child, count(*) AS call_count
       FROM spans c
       JOIN spans p
         ON p.trace_id = c.trace_id
        AND p.span_id = c.parent_span_id
        AND p.start_time >= ${timestampFromMicros(3)}
        AND p.start_time <= ${timestampFromMicros(4)}
      WHERE c.start_time >= ${timestampFromMicros(1)}
        AND c.start_time <= ${timestampFromMicros(2)}
        AND c.parent_span_id IS NOT NULL
        AND p.service_name <> c.service_name
        ${serviceFilter}
      GROUP BY p.service_name, c.service_name
      ORDER BY p.service_name, c.service_name`,
    values,
  );
  return rows.map((row) => ({ parent: row.parent, child: row.child, callCount: Number(row.call_count) }));
}
