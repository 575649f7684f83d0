import type { IncomingHttpHeaders } from "node:http";
import type { Tracer } from "@opentelemetry/api";
import type {
  BreakerConfig,
  BreakerReport,
  BreakerTransition,
  DiscoveryInstance,
  DiscoveryResponse,
  DiscoveryRoute,
  LbCount,
} from "../../../lib/control/contract";
import type { CircuitBreaker } from "./circuit-breaker";
import type { ResilienceLogger } from "./logger";
import type { AttemptOutcome, RetryPolicyConfig } from "./retry-policy";

/**
 * Everything one caller ("owner") needs to call its upstreams resiliently: instances from
 * discovery, route weights choosing the backend version (smooth weighted round robin over the
 * versions that have an available instance), round robin over that version's instances whose
 * breaker permits a call, one breaker per upstream instance, per-attempt timeouts, retries with
 * backoff for idempotent requests, one CLIENT span per attempt, and the counters a heartbeat
 * reports (breakers with unacknowledged transitions, requests per route/backend/instance).
 */

export type UpstreamPoolOptions = {
  owner: { service: string; instanceId: string };
  /** Upstream services this pool calls; instances and routes of other services are ignored. */
  services: readonly string[];
  /** One config for every upstream, or one per upstream service. */
  breakerConfig?: BreakerConfig | ((service: string) => BreakerConfig);
  retry?: RetryPolicyConfig;
  /** Per-attempt timeout when the call does not name one. Default 2000 ms. */
  timeoutMs?: number;
  /** Default: trace.getTracer("breakwater-demo-resilience"), i.e. the global provider. */
  tracer?: Tracer;
  now?: () => number;
  random?: () => number;
  /** Called on every breaker transition, e.g. to send a heartbeat right away. */
  onBreakerTransition?: (event: BreakerTransitionEvent) => void;
  log?: ResilienceLogger;
};

export type BreakerTransitionEvent = {
  targetService: string;
  targetInstanceId: string;
  targetVersion: string;
  transition: BreakerTransition;
};

export type UpstreamRequest = {
  service: string;
  method: string;
  /** Path and query, e.g. "/charge" or "/products?limit=10". */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Overrides the method-based idempotency rule (an Idempotency-Key header also counts). */
  idempotent?: boolean;
  /** Route id whose weights choose the version; default: the first route whose service is `service`. */
  route?: string;
};

export type CallOptions = {
  /** Per attempt. */
  timeoutMs?: number;
  /** Cancels the whole call (current attempt and pending backoff). */
  signal?: AbortSignal;
  /** Overrides the pool's retry.maxAttempts for this call. */
  maxAttempts?: number;
};

export type UpstreamTarget = { service: string; instanceId: string; version: string; address: string };

export type AttemptRecord = {
  target: UpstreamTarget;
  outcome: AttemptOutcome;
  durationMs: number;
};

export type UpstreamCallResult =
  /** The last attempt got an answer (any status; check it). */
  | {
      kind: "response";
      status: number;
      headers: IncomingHttpHeaders;
      body: Buffer;
      target: UpstreamTarget;
      route: string | undefined;
      attempts: AttemptRecord[];
    }
  /** The last attempt got no answer. */
  | {
      kind: "failed";
      failure: "timeout" | "connect_error" | "aborted";
      message: string;
      target: UpstreamTarget;
      route: string | undefined;
      attempts: AttemptRecord[];
    }
  /**
   * No attempt was made: no instance known for the service / chosen versions
   * ("no_instances"), or every candidate's breaker refused ("short_circuited").
   */
  | { kind: "unavailable"; reason: "no_instances" | "short_circuited"; route: string | undefined; attempts: [] };

/** What a heartbeat carries from the pool, and what it hands back once answered (or not). */
export type PoolHeartbeatFields = { breakers: BreakerReport[]; lbCounts: LbCount[] };

export type UpstreamPool = {
  /** Instances from discovery (healthy and degraded are used). Breakers of instances that stay are kept. */
  setInstances(instances: readonly DiscoveryInstance[]): void;
  /** Replaces all routes; SWRR state of versions that stay in a route is kept. */
  setRoutes(routes: readonly DiscoveryRoute[]): void;
  /** Single-route pools: the route, or undefined for plain round robin over all instances. */
  setRoute(route: DiscoveryRoute | undefined): void;
  /** setInstances + setRoutes from one discovery answer. */
  applyDiscovery(config: DiscoveryResponse): void;
  call(request: UpstreamRequest, options?: CallOptions): Promise<UpstreamCallResult>;
  instances(): readonly DiscoveryInstance[];
  breaker(service: string, instanceId: string): CircuitBreaker | undefined;
  /** Requests per (route, backend, instance) since the last take; resets them. */
  takeLbCounts(): LbCount[];
  /** Put counts taken for a heartbeat that failed back, added to what accumulated since. */
  restoreLbCounts(counts: readonly LbCount[]): void;
  /** One report per breaker, with its unacknowledged transitions (≤ 100, oldest dropped first). */
  breakerReports(): BreakerReport[];
  /** After a 2xx heartbeat: forget the transitions and not-permitted counts these reports carried. */
  acknowledgeTransitions(reports: readonly BreakerReport[]): void;
  /** breakerReports() + takeLbCounts(), for heartbeat-client's `collect`. */
  heartbeatFields(): PoolHeartbeatFields;
  /** heartbeat-client's onAcknowledged: acknowledges the transitions the beat carried. */
  onHeartbeatAcknowledged(sent: Partial<PoolHeartbeatFields>): void;
  /** heartbeat-client's onFailed: puts the beat's lb counts back (transitions were never dropped). */
  onHeartbeatFailed(sent: Partial<PoolHeartbeatFields>): void;
};

export function createUpstreamPool(options: UpstreamPoolOptions): UpstreamPool {
  void options;
  throw new Error("TODO");
}
