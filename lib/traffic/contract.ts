import { z } from "zod";
import { routeBackendSchema } from "@/lib/control/contract";
import { routeBackendsSchema } from "@/lib/control/route-weights";

/**
 * The traffic-control API (issue 5), as zod schemas shared by the route handlers, the
 * Traffic page (which parses every response with them) and the tests. Times are ISO 8601
 * strings; shares are fractions 0..1; latencies are milliseconds; weights are integer percent.
 */

const isoTime = z.string();

// ——— Requests ———

/**
 * PUT /api/v1/routes/{id}/weights. `version` is the route version the edit was made against:
 * a stale one gets 409 with the current route (problem body member `current`), nothing stored.
 * `backends` follows the weight rules of lib/control/route-weights (plus, on the server, every
 * version and instance must be known for the route's service). `revertOf` names the audit row
 * whose weights this restores (the history's one-click revert); the audit row records it.
 */
export const updateRouteWeightsSchema = z
  .object({
    version: z.number({ error: "version must be the route version you edited" }).int().min(1),
    backends: routeBackendsSchema,
    reason: z.string().trim().max(500, "reason may be at most 500 characters").optional(),
    revertOf: z.number().int().positive().optional(),
  })
  .strict();
export type UpdateRouteWeights = z.infer<typeof updateRouteWeightsSchema>;

// ——— Responses ———

export const routeSchema = z.object({
  id: z.string(),
  service: z.string(),
  version: z.number().int(),
  backends: z.array(routeBackendSchema),
  createdAt: isoTime,
  updatedAt: isoTime,
  updatedBy: z.string(),
});
export type Route = z.infer<typeof routeSchema>;

/** One gateway's view of the route: what it reports applied, and whether it is alive. */
export const routeGatewaySchema = z.object({
  gatewayInstanceId: z.string(),
  appliedVersion: z.number().int(),
  appliedAt: isoTime,
  /** The gateway's registry status (healthy | degraded | unhealthy | deregistered), null if unknown. */
  status: z.string().nullable(),
  lastHeartbeatAt: isoTime.nullable(),
});
export type RouteGateway = z.infer<typeof routeGatewaySchema>;

/**
 * Whether the configured version is in effect: "applied" when every live gateway reports it
 * (version and the latest applied time given), "pending" while at least one live gateway is
 * behind (`since` = when the configured version was saved), "no_gateway" when no live gateway
 * serves the route.
 */
export const routeApplyStatusSchema = z.discriminatedUnion("state", [
  z.object({ state: z.literal("applied"), version: z.number().int(), appliedAt: isoTime }),
  z.object({ state: z.literal("pending"), version: z.number().int(), since: isoTime, behind: z.array(z.string()) }),
  z.object({ state: z.literal("no_gateway"), version: z.number().int() }),
]);
export type RouteApplyStatus = z.infer<typeof routeApplyStatusSchema>;

export const backendCountSchema = z.object({ version: z.string(), requests: z.number().int().min(0), share: z.number() });

/** Requests per backend version in a window, with shares of the total. */
export const observedSplitSchema = z.object({
  from: isoTime,
  to: isoTime,
  total: z.number().int().min(0),
  backends: z.array(backendCountSchema),
});
export type ObservedSplit = z.infer<typeof observedSplitSchema>;

/**
 * The observed split of a route, from two independent sources:
 *  - lb: the gateways' own load-balancer counters (heartbeats, lb_counts): `current` counts
 *    only requests sent under the configured route version (exact once applied); `recent`
 *    is the last minute whatever the version;
 *  - spans: the gateway's CLIENT spans for the route (breakwater.backend.version), last minute.
 */
export const routeObservedSchema = z.object({
  lb: z.object({ current: observedSplitSchema, recent: observedSplitSchema }),
  spans: z.object({ recent: observedSplitSchema }),
});
export type RouteObserved = z.infer<typeof routeObservedSchema>;

/** GET /api/v1/routes/{id} */
export const routeDetailSchema = z.object({
  route: routeSchema,
  status: routeApplyStatusSchema,
  gateways: z.array(routeGatewaySchema),
  observed: routeObservedSchema,
});
export type RouteDetail = z.infer<typeof routeDetailSchema>;

/** GET /api/v1/routes — every route with its apply status (no observed split; the detail has it). */
export const routeListSchema = z.object({
  routes: z.array(routeSchema.extend({ status: routeApplyStatusSchema, gateways: z.array(routeGatewaySchema) })),
});
export type RouteList = z.infer<typeof routeListSchema>;

/** One audit row: a declaration, weight change or revert. */
export const routeChangeSchema = z.object({
  /** route_changes.id as a number (revertOf refers to it). */
  id: z.number().int(),
  routeId: z.string(),
  routeVersion: z.number().int(),
  oldBackends: z.array(routeBackendSchema).nullable(),
  newBackends: z.array(routeBackendSchema),
  actor: z.string(),
  source: z.string(),
  reason: z.string().nullable(),
  at: isoTime,
  revertOf: z.number().int().nullable(),
});
export type RouteChange = z.infer<typeof routeChangeSchema>;

/** GET /api/v1/routes/{id}/history?limit=50&before=<id> — newest first. */
export const routeHistorySchema = z.object({
  changes: z.array(routeChangeSchema),
  /** Pass as `before` for the next page; null when there is none. */
  nextBefore: z.number().int().nullable(),
});
export type RouteHistory = z.infer<typeof routeHistorySchema>;

/** PUT /api/v1/routes/{id}/weights → 200 with the new route and its audit row. */
export const updateRouteWeightsResponseSchema = z.object({ route: routeSchema, change: routeChangeSchema });
export type UpdateRouteWeightsResponse = z.infer<typeof updateRouteWeightsResponseSchema>;

/**
 * GET /api/v1/routes/{id}/split?range=15m — configured vs observed split over time, one point
 * per 10 s bucket: configured weights (percent) in effect at the bucket's start, and requests
 * per version from the LB counters and from spans. `changes` mark weight changes (annotations).
 */
export const routeSplitSeriesSchema = z.object({
  from: isoTime,
  to: isoTime,
  stepMs: z.number().int().positive(),
  versions: z.array(z.string()),
  points: z.array(
    z.object({
      /** Bucket start, ms since the epoch. */
      t: z.number(),
      configured: z.record(z.string(), z.number()),
      lb: z.record(z.string(), z.number()),
      spans: z.record(z.string(), z.number()),
    }),
  ),
  changes: z.array(
    z.object({
      id: z.number().int(),
      at: isoTime,
      routeVersion: z.number().int(),
      actor: z.string(),
      reason: z.string().nullable(),
    }),
  ),
});
export type RouteSplitSeries = z.infer<typeof routeSplitSeriesSchema>;

/**
 * GET /api/v1/routes/{id}/versions?range=15m — RED per backend version side by side, from
 * the spans of the route's service grouped by the version that served them.
 */
export const routeVersionRedSchema = z.object({
  from: isoTime,
  to: isoTime,
  versions: z.array(
    z.object({
      version: z.string(),
      requests: z.number().int().min(0),
      ratePerSecond: z.number(),
      /** Fraction 0..1 of requests with status ERROR. */
      errorRate: z.number(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
    }),
  ),
});
export type RouteVersionRed = z.infer<typeof routeVersionRedSchema>;
