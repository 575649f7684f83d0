import http, { type IncomingHttpHeaders } from "node:http";
import https from "node:https";
import {
  type Attributes,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";
import {
  type BreakerConfig,
  type BreakerReport,
  type BreakerTransition,
  type DiscoveryInstance,
  type DiscoveryResponse,
  type DiscoveryRoute,
  type LbCount,
  RESILIENCE_ATTRIBUTES,
} from "../../../lib/control/contract";
import { type BreakerPermit, type CircuitBreaker, createCircuitBreaker, DEFAULT_BREAKER_CONFIG } from "./circuit-breaker";
import { delay } from "./control-plane-request";
import { type ResilienceLogger, silentLogger } from "./logger";
import { type AttemptOutcome, decideRetry, DEFAULT_RETRY_POLICY, type RetryPolicyConfig } from "./retry-policy";
import { createSmoothWeightedRoundRobin, type SmoothWeightedRoundRobin } from "./weighted-round-robin";

/**
 * Everything one caller ("owner") needs to call its upstreams resiliently: instances from
 * discovery, route weights choosing the backend version (smooth weighted round robin over the
 * versions that have an available instance), then that version's instances whose breaker
 * permits a call — round robin, or smooth weighted round robin over the listed instances when
 * the backend gives instance weights — one breaker per upstream instance, per-attempt timeouts,
 * retries with backoff for idempotent requests, one CLIENT span per attempt, and the counters a
 * heartbeat reports (breakers with unacknowledged transitions, requests per route version,
 * backend and instance).
 *
 * Tracing: each attempt is one CLIENT span (`tracer.startActiveSpan`, name "<METHOD> <path>")
 * carrying the HTTP client semantic conventions, `peer.service` and RESILIENCE_ATTRIBUTES; the
 * request itself runs under suppressTracing so the HTTP auto-instrumentation adds no second
 * CLIENT span, and the W3C context is injected by hand. A call that cannot be made at all
 * ("unavailable") gets one INTERNAL span "<METHOD> <service> unavailable" (status ERROR,
 * breakwater.short_circuited, breakwater.unavailable.reason) under the caller's active span, and
 * for a short-circuit the caller's active span (the SERVER span in a service) also gets
 * breakwater.short_circuited=true, so trace search finds it on the request's own span. Breaker
 * transitions become "breaker.transition" events on whatever span is active when they happen
 * (the attempt's CLIENT span when an outcome trips a breaker).
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
  /**
   * The path's template (url.template), e.g. "/products/{id}": the CLIENT span is named
   * "{method} {template}" as the HTTP semantic conventions ask, so an id in the path does not
   * make every call an operation of its own. Default: the path without its query.
   */
  template?: string;
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
      /** The route version whose weights chose the (last) target; undefined without a route. */
      routeVersion: number | undefined;
      attempts: AttemptRecord[];
    }
  /** The last attempt got no answer. */
  | {
      kind: "failed";
      failure: "timeout" | "connect_error" | "aborted";
      message: string;
      target: UpstreamTarget;
      route: string | undefined;
      routeVersion: number | undefined;
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
  /** Requests per (route, route version, backend, instance) since the last take; resets them. */
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
  /** Closes the pool's keep-alive connections (calls after this still work, on new connections). */
  close(): void;
};

/** Span event added to the active span when a breaker changes state, and its attribute names. */
export const BREAKER_TRANSITION_EVENT = "breaker.transition";
export const BREAKER_TRANSITION_EVENT_ATTRIBUTES = {
  from: "breakwater.breaker.from",
  to: "breakwater.breaker.to",
  targetService: "breakwater.breaker.target.service",
  targetInstance: "breakwater.breaker.target.instance",
  reason: "breakwater.breaker.reason",
} as const;

/** On the INTERNAL span of a call that could not be made: "no_instances" or "short_circuited". */
export const UNAVAILABLE_REASON_ATTRIBUTE = "breakwater.unavailable.reason";

/** Unacknowledged transitions kept per breaker (the contract's limit); the oldest go first. */
export const MAX_PENDING_TRANSITIONS = 100;

/** Not yet in the stable semantic conventions; what Breakwater uses to name uninstrumented peers. */
const ATTR_PEER_SERVICE = "peer.service";

const USABLE_STATUSES: ReadonlySet<string> = new Set(["healthy", "degraded"]);

type BreakerEntry = {
  target: UpstreamTarget;
  breaker: CircuitBreaker;
  /** Oldest first, at most MAX_PENDING_TRANSITIONS. */
  pending: BreakerTransition[];
  /** notPermittedCalls already carried by an acknowledged heartbeat. */
  acknowledgedNotPermitted: number;
  /** The instance left discovery; the entry stays until its pending transitions are acknowledged. */
  isRetired: boolean;
};

type Selection =
  | { ok: true; entry: BreakerEntry; permit: BreakerPermit; route: DiscoveryRoute | undefined }
  | { ok: false; reason: "no_instances" | "short_circuited" };

type HttpResult =
  | { kind: "response"; status: number; headers: IncomingHttpHeaders; body: Buffer }
  | { kind: "connect_error"; code?: string; message: string }
  | { kind: "timeout"; message: string }
  | { kind: "aborted"; message: string };

const keyOf = (service: string, instanceId: string) => `${service}\u0000${instanceId}`;
const lbKeyOf = (count: Pick<LbCount, "route" | "backend" | "instanceId" | "routeVersion">) =>
  `${count.route}\u0000${count.backend}\u0000${count.instanceId}\u0000${count.routeVersion ?? 0}`;
const transitionKey = (t: BreakerTransition) => `${t.at}\u0000${t.from}\u0000${t.to}\u0000${t.reason ?? ""}`;

export function createUpstreamPool(options: UpstreamPoolOptions): UpstreamPool {
  const services = new Set(options.services);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const log = options.log ?? silentLogger;
  const retryConfig = options.retry ?? DEFAULT_RETRY_POLICY;
  const defaultTimeoutMs = options.timeoutMs ?? 2_000;
  const tracer = options.tracer ?? trace.getTracer("breakwater-demo-resilience");
  const configFor = (service: string): BreakerConfig =>
    typeof options.breakerConfig === "function"
      ? options.breakerConfig(service)
      : (options.breakerConfig ?? DEFAULT_BREAKER_CONFIG);
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  let instances: DiscoveryInstance[] = [];
  const entries = new Map<string, BreakerEntry>();
  /** Round robin over instances, per service and version ("service\0version"), or per service ("service\0*"). */
  const instanceRrs = new Map<string, SmoothWeightedRoundRobin>();
  let routes: DiscoveryRoute[] = [];
  const versionRrs = new Map<string, SmoothWeightedRoundRobin>();
  /**
   * Instance weights per route backend ("route\0version"), for backends that list them: the
   * listed usable instances with a weight above 0 and their rotation. A backend whose listed
   * instances are all gone is absent here (its version falls back to every usable instance)
   * and named in `instanceWeightFallbacks`, so the fallback is logged once, not per request.
   */
  const instanceWeightRrs = new Map<string, { instances: DiscoveryInstance[]; rr: SmoothWeightedRoundRobin }>();
  const instanceWeightFallbacks = new Set<string>();
  const lbCounts = new Map<string, LbCount>();

  const onTransition = (entry: BreakerEntry, transition: BreakerTransition) => {
    entry.pending.push(transition);
    if (entry.pending.length > MAX_PENDING_TRANSITIONS) entry.pending.splice(0, entry.pending.length - MAX_PENDING_TRANSITIONS);
    const { target } = entry;
    log.info(`breaker ${target.service}/${target.instanceId}: ${transition.from} → ${transition.to}`, {
      owner: options.owner.instanceId,
      reason: transition.reason,
    });
    trace.getActiveSpan()?.addEvent(BREAKER_TRANSITION_EVENT, {
      [BREAKER_TRANSITION_EVENT_ATTRIBUTES.from]: transition.from,
      [BREAKER_TRANSITION_EVENT_ATTRIBUTES.to]: transition.to,
      [BREAKER_TRANSITION_EVENT_ATTRIBUTES.targetService]: target.service,
      [BREAKER_TRANSITION_EVENT_ATTRIBUTES.targetInstance]: target.instanceId,
      ...(transition.reason ? { [BREAKER_TRANSITION_EVENT_ATTRIBUTES.reason]: transition.reason } : {}),
    });
    options.onBreakerTransition?.({
      targetService: target.service,
      targetInstanceId: target.instanceId,
      targetVersion: target.version,
      transition,
    });
  };

  const setInstances = (next: readonly DiscoveryInstance[]) => {
    instances = next.filter((instance) => services.has(instance.service) && USABLE_STATUSES.has(instance.status));
    const present = new Set<string>();
    for (const instance of instances) {
      const key = keyOf(instance.service, instance.instanceId);
      present.add(key);
      const target: UpstreamTarget = {
        service: instance.service,
        instanceId: instance.instanceId,
        version: instance.version,
        address: instance.address,
      };
      const existing = entries.get(key);
      if (existing) {
        existing.target = target;
        existing.isRetired = false;
        continue;
      }
      const entry: BreakerEntry = {
        target,
        breaker: createCircuitBreaker({
          config: configFor(instance.service),
          now,
          onTransition: (transition) => onTransition(entry, transition),
        }),
        pending: [],
        acknowledgedNotPermitted: 0,
        isRetired: false,
      };
      entries.set(key, entry);
    }
    for (const [key, entry] of entries) {
      if (present.has(key)) continue;
      // Keep a departed instance's breaker until Breakwater has its last transitions.
      if (entry.pending.length > 0) entry.isRetired = true;
      else entries.delete(key);
    }
    // Rebuild the instance rotations; setItems keeps the position of instances that stay.
    const groups = new Map<string, string[]>();
    for (const instance of instances) {
      for (const group of [keyOf(instance.service, instance.version), keyOf(instance.service, "*")]) {
        const ids = groups.get(group) ?? [];
        ids.push(instance.instanceId);
        groups.set(group, ids);
      }
    }
    for (const group of instanceRrs.keys()) if (!groups.has(group)) instanceRrs.delete(group);
    for (const [group, ids] of groups) {
      const items = ids.map((key) => ({ key, weight: 1 }));
      const rr = instanceRrs.get(group);
      if (rr) rr.setItems(items);
      else instanceRrs.set(group, createSmoothWeightedRoundRobin(items));
    }
    rebuildInstanceWeights();
  };

  const setRoutes = (next: readonly DiscoveryRoute[]) => {
    routes = next.filter((route) => services.has(route.service));
    const ids = new Set(routes.map((route) => route.id));
    for (const id of versionRrs.keys()) if (!ids.has(id)) versionRrs.delete(id);
    for (const route of routes) {
      const items = route.backends.map((backend) => ({ key: backend.version, weight: backend.weight }));
      const rr = versionRrs.get(route.id);
      if (rr) rr.setItems(items);
      else versionRrs.set(route.id, createSmoothWeightedRoundRobin(items));
    }
    rebuildInstanceWeights();
  };

  /**
   * Instance-level weights (a backend's optional `instances`): only the listed instances that
   * discovery offers (usable, of that service and version) with a weight above 0 get the
   * version's traffic, in those proportions. When none of them is usable the version falls
   * back to all its usable instances (logged once per fallback), so a stale instance list
   * cannot black-hole a version that still has instances.
   */
  const rebuildInstanceWeights = () => {
    const wanted = new Set<string>();
    for (const route of routes) {
      for (const backend of route.backends) {
        if (!backend.instances) continue;
        const key = keyOf(route.id, backend.version);
        wanted.add(key);
        const listed = backend.instances
          .filter((weight) => weight.weight > 0)
          .flatMap((weight) => {
            const found = instances.find(
              (i) => i.instanceId === weight.instanceId && i.service === route.service && i.version === backend.version,
            );
            return found ? [{ instance: found, weight: weight.weight }] : [];
          });
        if (listed.length === 0) {
          instanceWeightRrs.delete(key);
          if (!instanceWeightFallbacks.has(key)) {
            instanceWeightFallbacks.add(key);
            log.warn(
              `route ${route.id}@${route.version}: none of the instances weighted for ${backend.version} is available; ` +
                `sending ${backend.version}'s share to every available ${backend.version} instance`,
              { listed: backend.instances.map((weight) => weight.instanceId).join(",") },
            );
          }
          continue;
        }
        if (instanceWeightFallbacks.delete(key)) {
          log.info(`route ${route.id}@${route.version}: instance weights for ${backend.version} in effect again`);
        }
        const items = listed.map(({ instance, weight }) => ({ key: instance.instanceId, weight }));
        const existing = instanceWeightRrs.get(key);
        if (existing) {
          existing.rr.setItems(items);
          existing.instances = listed.map(({ instance }) => instance);
        } else {
          instanceWeightRrs.set(key, {
            instances: listed.map(({ instance }) => instance),
            rr: createSmoothWeightedRoundRobin(items),
          });
        }
      }
    }
    for (const key of instanceWeightRrs.keys()) if (!wanted.has(key)) instanceWeightRrs.delete(key);
    for (const key of instanceWeightFallbacks) if (!wanted.has(key)) instanceWeightFallbacks.delete(key);
  };

  /** The route named by the request, else the first route serving its service; none → plain round robin. */
  const routeOf = (request: UpstreamRequest) =>
    request.route ? routes.find((r) => r.id === request.route) : routes.find((r) => r.service === request.service);

  const entryOf = (service: string, instanceId: string) => entries.get(keyOf(service, instanceId));

  const candidatesOf = (service: string, version: string | undefined) =>
    instances.filter((instance) => instance.service === service && (version === undefined || instance.version === version));

  /** The instances a route's version sends to, and their rotation: the weighted ones if the backend lists any usable. */
  const poolOf = (service: string, route: DiscoveryRoute | undefined, version: string | undefined) => {
    const weighted = route && version !== undefined ? instanceWeightRrs.get(keyOf(route.id, version)) : undefined;
    if (weighted) return { candidates: weighted.instances, rr: weighted.rr };
    return { candidates: candidatesOf(service, version), rr: instanceRrs.get(keyOf(service, version ?? "*")) };
  };

  /**
   * Picks the instance for one attempt. Versions first (route weights, over the versions with at
   * least one instance whose breaker permits a call), then that version's permitted instances
   * (round robin, or by instance weight when the backend lists them), preferring ones this call
   * has not tried yet. Instances skipped because
   * their breaker refused count as not-permitted calls on that breaker.
   */
  const select = (request: UpstreamRequest, tried: ReadonlySet<string>): Selection => {
    const route = routeOf(request);
    const permitted = new Map<string, boolean>();
    const isPermitted = (instanceId: string) => {
      let value = permitted.get(instanceId);
      if (value === undefined) {
        value = entryOf(request.service, instanceId)?.breaker.isCallPermitted() ?? false;
        permitted.set(instanceId, value);
      }
      return value;
    };

    let version: string | undefined;
    if (route) {
      const versionRr = versionRrs.get(route.id);
      version = versionRr?.pick((candidate) =>
        poolOf(request.service, route, candidate).candidates.some((i) => isPermitted(i.instanceId)),
      );
      if (version === undefined) {
        const known = route.backends
          .filter((backend) => backend.weight > 0)
          .flatMap((backend) => poolOf(request.service, route, backend.version).candidates);
        return refuse(known);
      }
    }
    const { candidates: pool, rr } = poolOf(request.service, route, version);
    if (pool.length === 0) return { ok: false, reason: "no_instances" };
    const instanceId = rr?.pick((id) => isPermitted(id) && !tried.has(id)) ?? rr?.pick((id) => isPermitted(id)) ?? undefined;
    if (instanceId === undefined) return refuse(pool);
    for (const skipped of pool) if (!isPermitted(skipped.instanceId)) countRefusal(skipped);
    const entry = entryOf(request.service, instanceId);
    const permit = entry?.breaker.tryAcquire();
    // Unreachable in practice (checked just above); tryAcquire has counted the refusal.
    if (!entry || !permit) return { ok: false, reason: "short_circuited" };
    return { ok: true, entry, permit, route };
  };

  /** Registers "this call was refused" on the instance's breaker (its notPermittedCalls). */
  const countRefusal = (instance: DiscoveryInstance) => {
    const permit = entryOf(instance.service, instance.instanceId)?.breaker.tryAcquire();
    // The open wait may have ended since the check: this call was refused anyway, give the probe back.
    if (permit) permit.release();
  };

  /** No candidate could be called: every candidate's breaker counts the refusal. */
  const refuse = (candidates: readonly DiscoveryInstance[]): Selection => {
    if (candidates.length === 0) return { ok: false, reason: "no_instances" };
    for (const candidate of candidates) countRefusal(candidate);
    return { ok: false, reason: "short_circuited" };
  };

  /** Counted per route version too: Breakwater tells the split of the configured version from older traffic. */
  const countLb = (route: DiscoveryRoute | undefined, target: UpstreamTarget) => {
    if (!route) return;
    const fresh: LbCount = {
      route: route.id,
      backend: target.version,
      instanceId: target.instanceId,
      routeVersion: route.version,
      requests: 1,
    };
    const key = lbKeyOf(fresh);
    const count = lbCounts.get(key);
    if (count) count.requests++;
    else lbCounts.set(key, fresh);
  };

  const attempt = (
    request: UpstreamRequest,
    selection: Extract<Selection, { ok: true }>,
    attemptNumber: number,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<{ result: HttpResult; record: AttemptRecord }> => {
    const { entry, permit, route } = selection;
    const target = { ...entry.target };
    const url = new URL(request.path, target.address);
    const method = request.method.toUpperCase();
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: method,
      [ATTR_URL_FULL]: url.href,
      [ATTR_SERVER_ADDRESS]: url.hostname,
      [ATTR_SERVER_PORT]: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
      [ATTR_PEER_SERVICE]: target.service,
      [RESILIENCE_ATTRIBUTES.backendInstance]: target.instanceId,
      [RESILIENCE_ATTRIBUTES.backendVersion]: target.version,
      [RESILIENCE_ATTRIBUTES.retryAttempt]: attemptNumber,
      [RESILIENCE_ATTRIBUTES.breakerState]: permit.state,
      ...(route ? { [RESILIENCE_ATTRIBUTES.route]: route.id, [RESILIENCE_ATTRIBUTES.routeVersion]: route.version } : {}),
      ...(request.template !== undefined ? { "url.template": request.template } : {}),
    };
    countLb(route, target);
    return tracer.startActiveSpan(
      `${method} ${request.template ?? url.pathname}`,
      { kind: SpanKind.CLIENT, attributes },
      async (span) => {
        const headers: Record<string, string> = { ...request.headers };
        propagation.inject(context.active(), headers);
        const startedAt = now();
        // The HTTP auto-instrumentation would add a second CLIENT span for the same request.
        const result = await context.with(suppressTracing(context.active()), () =>
          sendHttp({
            url,
            method,
            headers,
            body: request.body,
            timeoutMs,
            signal,
            agent: url.protocol === "https:" ? agents.https : agents.http,
          }),
        );
        const durationMs = Math.max(0, now() - startedAt);
        const outcome = toOutcome(result);
        if (result.kind === "aborted") permit.release();
        else permit.record({ success: result.kind === "response" && result.status < 500, durationMs });
        endAttemptSpan(span, result);
        return { result, record: { target, outcome, durationMs } };
      },
    );
  };

  /** A call that could not be made still leaves a trace: see the module note on short-circuits. */
  const traceUnavailable = (
    request: UpstreamRequest,
    reason: "no_instances" | "short_circuited",
    route: DiscoveryRoute | undefined,
  ) => {
    const isShortCircuited = reason === "short_circuited";
    if (isShortCircuited) trace.getActiveSpan()?.setAttribute(RESILIENCE_ATTRIBUTES.shortCircuited, true);
    const span = tracer.startSpan(`${request.method.toUpperCase()} ${request.service} unavailable`, {
      kind: SpanKind.INTERNAL,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: request.method.toUpperCase(),
        [ATTR_PEER_SERVICE]: request.service,
        [RESILIENCE_ATTRIBUTES.shortCircuited]: isShortCircuited,
        [UNAVAILABLE_REASON_ATTRIBUTE]: reason,
        [ATTR_ERROR_TYPE]: reason,
        ...(route ? { [RESILIENCE_ATTRIBUTES.route]: route.id, [RESILIENCE_ATTRIBUTES.routeVersion]: route.version } : {}),
      },
    });
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: isShortCircuited ? `every ${request.service} breaker is open` : `no ${request.service} instance known`,
    });
    span.end();
  };

  const call = async (request: UpstreamRequest, callOptions: CallOptions = {}): Promise<UpstreamCallResult> => {
    if (!request.path.startsWith("/")) throw new Error(`upstream path must start with "/", got ${request.path}`);
    const timeoutMs = callOptions.timeoutMs ?? defaultTimeoutMs;
    const config = { ...retryConfig, maxAttempts: callOptions.maxAttempts ?? retryConfig.maxAttempts };
    const attempts: AttemptRecord[] = [];
    const tried = new Set<string>();
    let last: { result: HttpResult; selection: Extract<Selection, { ok: true }> } | undefined;

    for (let attemptNumber = 0; ; attemptNumber++) {
      const selection = select(request, tried);
      if (!selection.ok) {
        if (!last) {
          const route = routeOf(request);
          traceUnavailable(request, selection.reason, route);
          return { kind: "unavailable", reason: selection.reason, route: route?.id, attempts: [] };
        }
        // A retry was due but every remaining instance's breaker refuses: stop with what we have.
        break;
      }
      tried.add(selection.entry.target.instanceId);
      const { result, record } = await attempt(request, selection, attemptNumber, timeoutMs, callOptions.signal);
      attempts.push(record);
      last = { result, selection };
      const decision = decideRetry({ attempt: attemptNumber, request, outcome: record.outcome, config, random });
      if (!decision.retry) break;
      if (!(await delay(decision.delayMs, callOptions.signal))) {
        last = { result: { kind: "aborted", message: "cancelled during retry backoff" }, selection };
        break;
      }
    }

    const { result, selection } = last;
    const target = attempts.at(-1)?.target ?? selection.entry.target;
    if (result.kind === "response") {
      return {
        kind: "response",
        status: result.status,
        headers: result.headers,
        body: result.body,
        target,
        route: selection.route?.id,
        routeVersion: selection.route?.version,
        attempts,
      };
    }
    return {
      kind: "failed",
      failure: result.kind,
      message: result.message,
      target,
      route: selection.route?.id,
      routeVersion: selection.route?.version,
      attempts,
    };
  };

  const breakerReports = (): BreakerReport[] =>
    [...entries.values()].map((entry) => {
      const snapshot = entry.breaker.snapshot();
      return {
        targetService: entry.target.service,
        targetInstanceId: entry.target.instanceId,
        targetVersion: entry.target.version,
        ...snapshot,
        // Never negative, whatever the acknowledgement order: a negative count fails the
        // heartbeat's validation, and an instance whose beats fail drops out of discovery.
        notPermittedCalls: Math.max(0, snapshot.notPermittedCalls - entry.acknowledgedNotPermitted),
        transitions: [...entry.pending],
      };
    });

  const acknowledgeTransitions = (reports: readonly BreakerReport[]) => {
    for (const report of reports) {
      const key = keyOf(report.targetService, report.targetInstanceId);
      const entry = entries.get(key);
      if (!entry) continue;
      entry.acknowledgedNotPermitted += report.notPermittedCalls;
      const sent = new Map<string, number>();
      for (const t of report.transitions) sent.set(transitionKey(t), (sent.get(transitionKey(t)) ?? 0) + 1);
      entry.pending = entry.pending.filter((t) => {
        const remaining = sent.get(transitionKey(t)) ?? 0;
        if (remaining === 0) return true;
        sent.set(transitionKey(t), remaining - 1);
        return false;
      });
      if (entry.isRetired && entry.pending.length === 0) entries.delete(key);
    }
  };

  const takeLbCounts = (): LbCount[] => {
    const counts = [...lbCounts.values()];
    lbCounts.clear();
    return counts;
  };

  const restoreLbCounts = (counts: readonly LbCount[]) => {
    for (const count of counts) {
      const key = lbKeyOf(count);
      const existing = lbCounts.get(key);
      if (existing) existing.requests += count.requests;
      else lbCounts.set(key, { ...count });
    }
  };

  return {
    setInstances,
    setRoutes,
    setRoute: (route) => setRoutes(route ? [route] : []),
    applyDiscovery(config) {
      setInstances(config.instances);
      setRoutes(config.routes);
    },
    call,
    instances: () => instances,
    breaker: (service, instanceId) => entryOf(service, instanceId)?.breaker,
    takeLbCounts,
    restoreLbCounts,
    breakerReports,
    acknowledgeTransitions,
    heartbeatFields: () => ({ breakers: breakerReports(), lbCounts: takeLbCounts() }),
    onHeartbeatAcknowledged: (sent) => acknowledgeTransitions(sent.breakers ?? []),
    onHeartbeatFailed: (sent) => restoreLbCounts(sent.lbCounts ?? []),
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function toOutcome(result: HttpResult): AttemptOutcome {
  switch (result.kind) {
    case "response":
      return { kind: "response", status: result.status };
    case "connect_error":
      return { kind: "connect_error", code: result.code };
    case "timeout":
      return { kind: "timeout" };
    case "aborted":
      return { kind: "aborted" };
  }
}

function endAttemptSpan(span: Span, result: HttpResult) {
  span.setAttribute(RESILIENCE_ATTRIBUTES.timeout, result.kind === "timeout");
  if (result.kind === "response") {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, result.status);
    // Client spans: 4xx and 5xx are errors (semantic conventions for HTTP clients).
    if (result.status >= 400) {
      span.setAttribute(ATTR_ERROR_TYPE, String(result.status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  } else {
    span.setAttribute(ATTR_ERROR_TYPE, result.kind === "connect_error" ? (result.code ?? "connect_error") : result.kind);
    span.setStatus({ code: SpanStatusCode.ERROR, message: result.message });
  }
  span.end();
}

/** One HTTP exchange, body included, within `timeoutMs`. Never rejects. */
function sendHttp(input: {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  agent: http.Agent;
}): Promise<HttpResult> {
  return new Promise((resolve) => {
    if (input.signal?.aborted) return resolve({ kind: "aborted", message: "cancelled before sending" });
    const body = input.body === undefined ? undefined : typeof input.body === "string" ? Buffer.from(input.body) : input.body;
    const headers = { ...input.headers };
    if (body && !Object.keys(headers).some((name) => name.toLowerCase() === "content-length")) {
      headers["content-length"] = String(body.byteLength);
    }
    const send = input.url.protocol === "https:" ? https.request : http.request;
    const request = send(input.url, { method: input.method, headers, agent: input.agent });

    // Only event handlers call settle, so every const below is initialized by then.
    let isSettled = false;
    const settle = (result: HttpResult) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      input.signal?.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const timer = setTimeout(() => {
      settle({ kind: "timeout", message: `no complete answer within ${input.timeoutMs} ms` });
      request.destroy();
    }, input.timeoutMs);
    const onAbort = () => {
      settle({ kind: "aborted", message: "cancelled by the caller" });
      request.destroy();
    };
    input.signal?.addEventListener("abort", onAbort, { once: true });

    request.on("error", (error: NodeJS.ErrnoException) =>
      settle({ kind: "connect_error", code: error.code, message: error.message }),
    );
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error: NodeJS.ErrnoException) =>
        settle({ kind: "connect_error", code: error.code ?? "ECONNRESET", message: error.message }),
      );
      response.on("aborted", () => settle({ kind: "connect_error", code: "ECONNRESET", message: "response aborted" }));
      response.on("end", () =>
        settle({ kind: "response", status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    request.end(body);
  });
}
