import { z } from "zod";

/**
 * The control-plane contract between Breakwater and the services it watches: heartbeats,
 * discovery (healthy instances + route weights, long-polled), route declaration and fault
 * injection. Shared by Breakwater's API (lib/control, app/api/v1) and its reference client,
 * the demo shop (services-demo/). Plain zod, no server imports: both sides load it.
 *
 * Times on the wire are ISO 8601 strings with an offset (UTC "Z" in practice).
 */

// ——— Identity ———

/** Service names and instance ids: what OTel puts in service.name / service.instance.id, kept printable. */
const name = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(128, `${what} must be at most 128 characters`)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, `${what} may contain letters, digits and . _ : @ / - only`);

export const serviceNameSchema = name("service");
export const instanceIdSchema = name("instanceId");
/** service.version; route backends are versions (e.g. orders "v1" and "v2"). */
export const versionSchema = name("version").max(64, "version must be at most 64 characters");

const isoTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 timestamp, e.g. 2026-11-21T10:00:00Z" });

// ——— Health ———

/** What an instance says about itself. */
export const REPORTED_STATUSES = ["healthy", "degraded", "unhealthy"] as const;
export type ReportedStatus = (typeof REPORTED_STATUSES)[number];

/**
 * What the registry says: the reported status, or `unhealthy` when no heartbeat arrived within
 * the instance's TTL, then `deregistered` after BREAKWATER_DEREGISTER_AFTER.
 */
export const INSTANCE_STATUSES = ["healthy", "degraded", "unhealthy", "deregistered"] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

export const CHECK_STATUSES = ["pass", "warn", "fail"] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

// ——— Breakers ———

/** Circuit-breaker states (resilience4j's names, snake_case). */
export const BREAKER_STATES = ["closed", "open", "half_open", "forced_open", "disabled"] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

export const breakerConfigSchema = z.object({
  /** Trip when failures (slow calls included) reach this % of the calls in the window. */
  failureRateThreshold: z.number().min(0).max(100),
  /** Calls at or above this duration count as slow. */
  slowCallDurationMs: z.number().int().positive(),
  /** Trip when slow calls reach this % of the calls in the window. */
  slowCallRateThreshold: z.number().min(0).max(100),
  /** Sliding window length (time-based). */
  windowMs: z.number().int().positive(),
  /** No decision until the window holds at least this many calls. */
  minimumCalls: z.number().int().positive(),
  /** Time spent open before half-open probes are allowed. */
  openWaitMs: z.number().int().positive(),
  /** Probe calls allowed in half-open; all must finish to decide. */
  halfOpenCalls: z.number().int().positive(),
});
export type BreakerConfig = z.infer<typeof breakerConfigSchema>;

const count = z.number().int().min(0);
const percent = z.number().min(0).max(100);

export const breakerTransitionSchema = z.object({
  from: z.enum(BREAKER_STATES),
  to: z.enum(BREAKER_STATES),
  at: isoTime,
  /** Why, e.g. "failure rate 100% ≥ 50% over 12 calls" or "open wait 5000 ms elapsed". */
  reason: z.string().max(500).optional(),
});
export type BreakerTransition = z.infer<typeof breakerTransitionSchema>;

/** One breaker as its owner sees it: owner instance → one upstream instance. */
export const breakerReportSchema = z.object({
  targetService: serviceNameSchema,
  targetInstanceId: instanceIdSchema,
  targetVersion: versionSchema.optional(),
  state: z.enum(BREAKER_STATES),
  /** When the breaker entered `state`. */
  stateSince: isoTime,
  /** Over the current sliding window. */
  calls: count,
  failedCalls: count,
  slowCalls: count,
  failureRate: percent,
  slowCallRate: percent,
  /** Calls refused because the breaker was open (short-circuited) since the last beat. */
  notPermittedCalls: count,
  config: breakerConfigSchema,
  /**
   * Transitions not yet acknowledged by Breakwater, oldest first. The owner keeps them until a
   * heartbeat carrying them is answered 2xx, so a Breakwater outage loses none (bounded).
   */
  transitions: z.array(breakerTransitionSchema).max(100),
});
export type BreakerReport = z.infer<typeof breakerReportSchema>;

// ——— Load balancer counters and applied config (gateways) ———

export const lbCountSchema = z.object({
  route: name("route"),
  /** The backend = the version chosen. */
  backend: versionSchema,
  instanceId: instanceIdSchema,
  /** Requests sent to this instance for this route since the previous acknowledged beat. */
  requests: count,
  /** The route version in effect when these requests were sent (0: declared defaults); absent from older gateways. */
  routeVersion: z.number().int().min(0).optional(),
});
export type LbCount = z.infer<typeof lbCountSchema>;

export const appliedConfigSchema = z.object({
  /** The discovery `version` (etag) the client applied; null before it ever got one. */
  version: z.string().max(128).nullable(),
  appliedAt: isoTime.nullable(),
  /** Route id → route version in effect. */
  routes: z.array(z.object({ id: name("route"), version: z.number().int().min(0) })).max(200),
  /** How old the config in use is: grows while Breakwater is unreachable. */
  configAgeMs: count,
});
export type AppliedConfig = z.infer<typeof appliedConfigSchema>;

// ——— Heartbeat ———

/** Heartbeat bodies larger than this are refused (400 naming the limit) before parsing. */
export const HEARTBEAT_MAX_BYTES = 256 * 1024;
/** A heartbeat's sentAt may be this far ahead of Breakwater's clock (skew), no further. */
export const HEARTBEAT_MAX_FUTURE_MS = 30_000;
/** …and this far behind it. Older beats are refused: they say nothing about now. */
export const HEARTBEAT_MAX_AGE_MS = 5 * 60_000;

export const heartbeatSchema = z.object({
  service: serviceNameSchema,
  instanceId: instanceIdSchema,
  version: versionSchema,
  /** Base URL of the instance (its admin endpoint lives under it), e.g. http://127.0.0.1:8101. */
  address: z.url({ protocol: /^https?$/, error: "address must be an http(s) URL" }).max(512),
  status: z.enum(REPORTED_STATUSES),
  /** The instance's clock when it sent the beat; orders beats of one instance. */
  sentAt: isoTime,
  /** Increases with every beat of one process; breaks sentAt ties. */
  sequence: z.number().int().min(0),
  /** No beat for this long → unhealthy. */
  ttlMs: z.number().int().min(500).max(300_000).default(5_000),
  checks: z
    .array(
      z.object({
        name: z.string().min(1).max(64),
        status: z.enum(CHECK_STATUSES),
        detail: z.string().max(500).optional(),
      }),
    )
    .max(32)
    .default([]),
  /** Circuit breakers this instance owns (one per upstream instance it calls). */
  breakers: z.array(breakerReportSchema).max(500).default([]),
  /** Gateways: requests per route/backend/instance since the last acknowledged beat. */
  lbCounts: z.array(lbCountSchema).max(2000).default([]),
  /** Clients of discovery: what they applied. */
  appliedConfig: appliedConfigSchema.optional(),
});
export type HeartbeatInput = z.input<typeof heartbeatSchema>;
export type Heartbeat = z.output<typeof heartbeatSchema>;

/** POST /api/v1/heartbeats → 200. `accepted: false` = stale or out of order: nothing changed. */
export const heartbeatResponseSchema = z.object({
  accepted: z.boolean(),
  /** The registry's view after this beat. */
  status: z.enum(INSTANCE_STATUSES),
  reason: z.string().optional(),
});
export type HeartbeatResponse = z.infer<typeof heartbeatResponseSchema>;

// ——— Routes and discovery ———

/**
 * Optional instance-level weights within one backend (version): integers 0..100, relative to
 * each other. When a backend lists them, only the listed instances receive its traffic, in
 * these proportions (smooth weighted round robin); without them every healthy instance of the
 * version gets an equal share. Rules across the list (each instance once, at least one above
 * zero) live in lib/control/route-weights.ts.
 */
export const instanceWeightSchema = z.object({
  instanceId: instanceIdSchema,
  weight: z
    .number({ error: "weight must be a number" })
    .int("weight must be an integer")
    .min(0, "weight must be 0..100")
    .max(100, "weight must be 0..100"),
});
export type InstanceWeight = z.infer<typeof instanceWeightSchema>;

/** Route weights: integers 0..100 summing to 100, at least one above zero. */
export const routeBackendSchema = z.object({
  version: versionSchema,
  weight: z
    .number({ error: "weight must be a number" })
    .int("weight must be an integer")
    .min(0, "weight must be 0..100")
    .max(100, "weight must be 0..100"),
  instances: z.array(instanceWeightSchema).min(1, "instances, when given, must list at least one instance").max(100).optional(),
});

/** POST /api/v1/routes by a gateway: creates the route if it does not exist; never changes an existing one. */
export const routeDeclarationSchema = z.object({
  id: name("route"),
  service: serviceNameSchema,
  backends: z.array(routeBackendSchema).min(1).max(20),
  /** The declaring gateway's instance id; recorded as the actor of the audit row ("gateway:<instanceId>"). */
  instanceId: instanceIdSchema.optional(),
});
export type RouteDeclaration = z.infer<typeof routeDeclarationSchema>;

export const discoveryInstanceSchema = z.object({
  instanceId: instanceIdSchema,
  service: serviceNameSchema,
  version: versionSchema,
  address: z.string(),
  status: z.enum(INSTANCE_STATUSES),
});
export type DiscoveryInstance = z.infer<typeof discoveryInstanceSchema>;

export const discoveryRouteSchema = z.object({
  id: z.string(),
  service: z.string(),
  /** Optimistic-concurrency version: +1 on every weight change. */
  version: z.number().int().min(0),
  backends: z.array(routeBackendSchema),
});
export type DiscoveryRoute = z.infer<typeof discoveryRouteSchema>;

/**
 * GET /api/v1/discovery?service=a&service=b[&since=<version>&waitMs=25000]
 * Healthy and degraded instances of the named services, and the routes serving them. With
 * `since` equal to the current version the request is held until something changes or
 * waitMs passes (then 304, no body). `version` is a content hash: equal content, equal
 * version, across Breakwater restarts.
 */
export const discoveryResponseSchema = z.object({
  version: z.string(),
  routes: z.array(discoveryRouteSchema),
  instances: z.array(discoveryInstanceSchema),
});
export type DiscoveryResponse = z.infer<typeof discoveryResponseSchema>;

export const DISCOVERY_MAX_WAIT_MS = 30_000;

// ——— Fault injection ———

/**
 * PUT <instance>/admin/faults and PUT /api/v1/instances/{instanceId}/faults (Breakwater
 * forwards it). Faults apply to the instance's business endpoints, not to /admin or heartbeats.
 */
export const faultSpecSchema = z.object({
  /** Added before answering. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** Fraction of requests answered with `errorStatus`. */
  errorRate: z.number().min(0).max(1).default(0),
  errorStatus: z.number().int().min(500).max(599).default(503),
  /** Accept requests and never answer (until reset or the caller's timeout). */
  hang: z.boolean().default(false),
});
export type FaultSpecInput = z.input<typeof faultSpecSchema>;
export type FaultSpec = z.output<typeof faultSpecSchema>;
export const NO_FAULTS: FaultSpec = { latencyMs: 0, errorRate: 0, errorStatus: 503, hang: false };

// ——— Span attributes the demo writes and Breakwater reads ———

/**
 * Resilience facts as span attributes, named once. The demo gateway/clients set them on their
 * CLIENT spans; Breakwater's trace search offers them as filters.
 */
export const RESILIENCE_ATTRIBUTES = {
  /** The upstream instance chosen for this attempt (service.instance.id). */
  backendInstance: "breakwater.backend.instance",
  /** The backend version chosen by the weighted balancer (e.g. "v2"). */
  backendVersion: "breakwater.backend.version",
  /** The route the request was served by. */
  route: "breakwater.route",
  /** The route version (weights) in effect when the gateway chose the backend; 0 = its declared defaults. */
  routeVersion: "breakwater.route.version",
  /** 0 for the first attempt, 1.. for retries. */
  retryAttempt: "breakwater.retry.attempt",
  /** Breaker state for the chosen instance when the call was made. */
  breakerState: "breakwater.breaker.state",
  /** true when no upstream was called because every candidate's breaker was open. */
  shortCircuited: "breakwater.short_circuited",
  /** true when the gateway refused the request with 429. */
  rateLimited: "breakwater.rate_limited",
  /** true when the attempt was cut by its timeout. */
  timeout: "breakwater.timeout",
  /** true when the answer is the gateway's fallback response. */
  fallback: "breakwater.fallback",
} as const;
