import { z } from "zod";

/**
 * Shape of GET /api/v1/overview as the browser reads it; lib/queries/get-overview.ts returns
 * exactly this (its types are inferred from here, so the two cannot drift apart).
 */

const isoTimestamp = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const rate = z.number().nonnegative();
const ms = z.number().nonnegative();

/**
 * Which spans a service's requests are (lib/queries/get-overview.ts): the ones it serves
 * (SERVER/CONSUMER), else the calls it makes (CLIENT/PRODUCER), else its INTERNAL spans.
 */
export const OVERVIEW_BASES = ["server", "client", "internal"] as const;
export type OverviewBasis = (typeof OVERVIEW_BASES)[number];

/** Breaker states the overview lists: the ones that refuse or limit calls. */
export const NOT_CLOSED_BREAKER_STATES = ["open", "half_open", "forced_open"] as const;

export const overviewBreakerSchema = z.object({
  /** outbound: the service owns it (its calls to the target are refused); inbound: a caller's breaker on it. */
  direction: z.enum(["outbound", "inbound"]),
  ownerService: z.string().min(1),
  ownerInstanceId: z.string().min(1),
  /** The owner's registry status; unhealthy means it stopped reporting, so the state may be out of date. */
  ownerStatus: z.enum(["healthy", "degraded", "unhealthy"]),
  targetService: z.string().min(1),
  targetInstanceId: z.string().min(1),
  state: z.enum(NOT_CLOSED_BREAKER_STATES),
  stateSince: isoTimestamp,
});
export type OverviewBreaker = z.infer<typeof overviewBreakerSchema>;

export const overviewSeriesPointSchema = z.object({
  /** Bucket start, ms since the epoch. */
  startMs: z.number(),
  /** Requests per second over the part of the bucket inside the window. */
  requestRate: rate,
  /** Requests with status ERROR per second. */
  errorRate: rate,
});
export type OverviewSeriesPoint = z.infer<typeof overviewSeriesPointSchema>;

export const overviewServiceSchema = z.object({
  name: z.string().min(1),
  /** null: no spans in the window. */
  basis: z.enum(OVERVIEW_BASES).nullable(),
  /** Requests (spans of the basis kinds) in the window, and those with status ERROR. */
  requests: count,
  errors: count,
  /** Requests per second over the window. */
  requestRate: rate,
  /** 0–100; null without requests. */
  errorPercent: z.number().min(0).max(100).nullable(),
  /** Milliseconds, from the merged rollup histograms (within 2 % of exact); null without requests. */
  p50Ms: ms.nullable(),
  p95Ms: ms.nullable(),
  p99Ms: ms.nullable(),
  /** One point per bucket, gaps filled with zeros; empty without requests in the window. */
  series: z.array(overviewSeriesPointSchema),
  /** Registered instances by status (deregistered ones left out). */
  instances: z.object({ healthy: count, degraded: count, unhealthy: count, total: count }),
  /** Breakers not closed that it owns or that target it (owners not deregistered), most urgent first. */
  breakers: z.array(overviewBreakerSchema),
  /** From the span catalogue (spans received, last span); null for a service that never sent spans. */
  spanCount: count.nullable(),
  lastSpanAt: isoTimestamp.nullable(),
});
export type OverviewService = z.infer<typeof overviewServiceSchema>;

export const overviewResponseSchema = z.object({
  /** The counted window, ms since the epoch: floor(start) to the minute … min(ceil(end), now). */
  windowStartMs: z.number(),
  windowEndMs: z.number(),
  /** Width of each series bucket (whole minutes). */
  bucketMs: z.number().int().positive(),
  services: z.array(overviewServiceSchema),
});
export type OverviewResponse = z.infer<typeof overviewResponseSchema>;
