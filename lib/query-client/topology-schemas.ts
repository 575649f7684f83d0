import { z } from "zod";
import { BREAKER_STATES } from "@/lib/control/contract";

/**
 * Shapes of GET /api/v1/topology and GET /api/v1/edges/series as the browser reads them
 * (lib/queries/get-topology.ts and get-edge-series.ts on the server side). Every number is
 * computed in the database from the per-minute rollups; latencies are milliseconds.
 */

const count = z.number().int().nonnegative();
const milliseconds = z.number().nonnegative().nullable();

/** Calls over a window (or a bucket of it): volume, rate, errors and latency percentiles. */
export const trafficStatsSchema = z.object({
  calls: count,
  errors: count,
  /** Calls per second over the window. */
  rps: z.number().nonnegative(),
  /** errors / calls in [0, 1]; null without calls. */
  errorRate: z.number().min(0).max(1).nullable(),
  /** Latency percentiles in ms; null without calls. */
  p50Ms: milliseconds,
  p95Ms: milliseconds,
  p99Ms: milliseconds,
});
export type TrafficStats = z.infer<typeof trafficStatsSchema>;

export const instanceCountsSchema = z.object({ healthy: count, degraded: count, unhealthy: count });
export type InstanceCounts = z.infer<typeof instanceCountsSchema>;

export const topologyNodeSchema = z.object({
  /** The service name, or the peer's name for a virtual node (names never collide: see get-topology). */
  id: z.string().min(1),
  /**
   * An uninstrumented peer (a database, a third-party API) known only from its callers'
   * CLIENT spans: its stats are those calls as the callers saw them.
   */
  isVirtual: z.boolean(),
  /** A service: its SERVER and CONSUMER spans (the requests it served). */
  stats: trafficStatsSchema,
  /** Registered instances by registry status (heartbeats); all zero when none report. */
  instances: instanceCountsSchema,
});
export type TopologyNode = z.infer<typeof topologyNodeSchema>;

/** Breakers of one state; isStale: their owner stopped reporting (its last report, not now). */
export const breakerStateCountSchema = z.object({ state: z.enum(BREAKER_STATES), isStale: z.boolean(), count: count });
export type BreakerStateCount = z.infer<typeof breakerStateCountSchema>;

export const topologyEdgeSchema = z.object({
  /** Caller service. */
  source: z.string().min(1),
  /** Callee node id. */
  target: z.string().min(1),
  /** The callee is a virtual node. */
  isVirtual: z.boolean(),
  /** The calls as the caller's CLIENT spans saw them. */
  stats: trafficStatsSchema,
  /**
   * Breakers of the caller's instances on the callee's instances, counted per state and
   * owner liveness (summarizeEdgeBreakers). An edge can exist for its breakers alone.
   */
  breakers: z.array(breakerStateCountSchema),
});
export type TopologyEdge = z.infer<typeof topologyEdgeSchema>;

export const topologyResponseSchema = z.object({
  /** The window the numbers cover, epoch ms: whole minutes from the start, up to now at most. */
  fromMs: z.number(),
  toMs: z.number(),
  nodes: z.array(topologyNodeSchema),
  edges: z.array(topologyEdgeSchema),
});
export type TopologyResponse = z.infer<typeof topologyResponseSchema>;

export const seriesPointSchema = trafficStatsSchema.extend({
  /** Bucket start, epoch ms. */
  startMs: z.number(),
});
export type SeriesPoint = z.infer<typeof seriesPointSchema>;

export const seriesResponseSchema = z.object({
  fromMs: z.number(),
  toMs: z.number(),
  bucketMs: z.number().int().positive(),
  /** One point per bucket, oldest first, gaps filled with zero calls. */
  points: z.array(seriesPointSchema),
});
export type SeriesResponse = z.infer<typeof seriesResponseSchema>;
