import type pg from "pg";
import type { RouteBackends } from "@/lib/control/route-weights";
import { getPool } from "@/lib/db/pool";
import { NotFoundError } from "@/lib/http/errors";
import { listBucketStarts } from "@/lib/ui/time-range";
import type { RouteSplitSeries } from "./contract";
import { countRouteLbRequests, countRouteSpanSeries, type VersionCount } from "./count-route-requests";

/** Bucket sizes, finest first: 10 s (the LB counters' own bucket) while the window allows. */
const SPLIT_STEPS_MS = [10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000] as const;
/** Most points a split chart gets. */
export const SPLIT_MAX_POINTS = 180;

/** The bucket for a window: 10 s up to 30 min (15 min: 90 points), coarser beyond (1 h: 20 s, 24 h: 10 min). */
export function chooseSplitStepMs(windowMs: number): number {
  return SPLIT_STEPS_MS.find((step) => windowMs / step <= SPLIT_MAX_POINTS) ?? SPLIT_STEPS_MS[SPLIT_STEPS_MS.length - 1];
}

type ChangeRow = {
  id: string;
  at: Date;
  route_version: number;
  actor: string;
  reason: string | null;
  new_backends: RouteBackends;
};

/**
 * GET /api/v1/routes/{id}/split: configured vs observed split over [fromMs, toMs) — per bucket
 * the weights in effect at the bucket's start (from the audit rows: the last change at or before
 * it; none before the route existed), and requests per version from the LB counters and from
 * the gateways' CLIENT spans (sealed buckets from memory: countRouteSpanSeries); the changes
 * inside the window as annotations.
 */
export async function getRouteSplitSeries(
  routeId: string,
  window: { fromMs: number; toMs: number },
  pool: pg.Pool = getPool(),
): Promise<RouteSplitSeries> {
  const stepMs = chooseSplitStepMs(window.toMs - window.fromMs);
  const route = await pool.query<{ backends: RouteBackends }>("SELECT backends FROM routes WHERE id = $1", [routeId]);
  if (route.rows[0] === undefined) throw new NotFoundError(`route ${routeId} not found`);
  const from = new Date(window.fromMs);
  const to = new Date(window.toMs);
  const bucketed = { fromMs: Math.floor(window.fromMs / stepMs) * stepMs, toMs: window.toMs, stepMs };
  const [changes, lb, spans] = await Promise.all([
    // The change in effect when the window starts, then every change inside it.
    pool.query<ChangeRow>(
      `(SELECT id, at, route_version, actor, reason, new_backends FROM route_changes
         WHERE route_id = $1 AND at < $2 ORDER BY at DESC, id DESC LIMIT 1)
       UNION ALL
       (SELECT id, at, route_version, actor, reason, new_backends FROM route_changes
         WHERE route_id = $1 AND at >= $2 AND at < $3)
       ORDER BY at, id`,
      [routeId, from, to],
    ),
    countRouteLbRequests(pool, routeId, bucketed),
    countRouteSpanSeries(pool, routeId, bucketed),
  ]);

  const lbByBucket = groupByBucket(lb);
  const spansByBucket = groupByBucket(spans);
  let next = 0;
  let inEffect: Record<string, number> = {};
  const points = listBucketStarts(window.fromMs, window.toMs, stepMs).map((t) => {
    while (next < changes.rows.length && changes.rows[next].at.getTime() <= t) {
      inEffect = Object.fromEntries(changes.rows[next].new_backends.map((b) => [b.version, b.weight]));
      next++;
    }
    return { t, configured: inEffect, lb: lbByBucket.get(t) ?? {}, spans: spansByBucket.get(t) ?? {} };
  });

  const current = route.rows[0].backends.map((backend) => backend.version);
  const seen = new Set<string>([
    ...changes.rows.flatMap((change) => change.new_backends.map((backend) => backend.version)),
    ...lb.map((count) => count.version),
    ...spans.map((count) => count.version),
  ]);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    stepMs,
    versions: [...current, ...[...seen].filter((version) => !current.includes(version)).sort()],
    points,
    changes: changes.rows
      .filter((change) => change.at.getTime() >= window.fromMs)
      .map((change) => ({
        id: Number(change.id),
        at: change.at.toISOString(),
        routeVersion: change.route_version,
        actor: change.actor,
        reason: change.reason,
      })),
  };
}

function groupByBucket(counts: readonly VersionCount[]): Map<number, Record<string, number>> {
  const byBucket = new Map<number, Record<string, number>>();
  for (const count of counts) {
    const bucket = byBucket.get(count.t) ?? {};
    bucket[count.version] = (bucket[count.version] ?? 0) + count.requests;
    byBucket.set(count.t, bucket);
  }
  return byBucket;
}
