/**
 * gateway (v1) on :8080 — the shop's front door:
 *   /api/catalog/*  → route "catalog" (service catalog, v1 100 %)
 *   /api/orders*    → route "orders"  (service orders, v1 90 % / v2 10 % as declared default)
 *
 * At start it declares both routes to Breakwater (created if missing; stored weights win
 * afterwards), then watches discovery for catalog + orders instances and route weights and
 * applies every new config to the UpstreamPool (smooth weighted round robin per route, one
 * breaker per instance, retries for idempotent requests only, per-attempt timeouts), sending a
 * heartbeat right away with the applied config. While Breakwater is unreachable it keeps the
 * last good config (appliedConfig.configAgeMs grows). Per-client token buckets answer 429;
 * when a route has nothing to call, a fallback answers (503 `{error, fallback: true}`, or the
 * last good product listing marked stale).
 */
import type http from "node:http";
import { trace } from "@opentelemetry/api";
import { RESILIENCE_ATTRIBUTES } from "../../lib/control/contract";
import { headerValue, HttpError, type RequestContext, readBody, Router, sendJson } from "../shared/http";
import { declareRoutes, DeclareRouteError, startDiscoveryWatch } from "../shared/resilience/discovery-client";
import { IDEMPOTENT_METHODS } from "../shared/resilience/retry-policy";
import { createUpstreamPool, type UpstreamCallResult } from "../shared/resilience/upstream-pool";
import { runService, startServiceRuntime } from "../shared/service-runtime";
import { upstreamProblem } from "../shared/upstream";
import { ClientRateLimiter, retryAfterSeconds } from "./rate-limiter";
import { DECLARED_ROUTES, effectiveRoutes, GATEWAY_UPSTREAMS, resolveRoute, ROUTE_TIMEOUT_MS } from "./routes";

/** Request headers passed upstream; hop-by-hop and everything else stay here. */
const FORWARDED_REQUEST_HEADERS = ["content-type", "accept", "idempotency-key", "x-request-id", "user-agent"];
/** Response headers passed back to the client. */
const FORWARDED_RESPONSE_HEADERS = ["content-type", "location", "retry-after", "idempotent-replayed"];
const MAX_BODY_BYTES = 1024 * 1024;
/** Stale listings older than this are not served (better an honest 503 than hour-old prices). */
const STALE_LISTING_MAX_AGE_MS = 10 * 60_000;

type CachedListing = { body: Buffer; contentType: string; at: number };

function clientAddress(req: http.IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

runService(async ({ env, log }) => {
  const { identity } = env;
  // Breaker transitions and new configs want a heartbeat right away; the heartbeats start
  // with the runtime, below, so until then this does nothing.
  let beatNow: () => void = () => undefined;
  const limiter = new ClientRateLimiter(env.rateLimit);
  /** The last good product listing per upstream path (GET /products…), for the stale fallback. */
  const listings = new Map<string, CachedListing>();

  const pool = createUpstreamPool({
    owner: { service: identity.service, instanceId: identity.instanceId },
    services: GATEWAY_UPSTREAMS,
    log,
    // The pool logs the transition; Breakwater should hear of it now, not at the next beat. Not
    // synchronously: a transition can fire while a beat is being collected (an open breaker turns
    // half_open when its snapshot is read), and a nested beat would report the same counts twice.
    onBreakerTransition: () => setImmediate(beatNow),
  });
  // Until Breakwater answers, the declared defaults route traffic.
  pool.setRoutes(effectiveRoutes([]));

  const discovery = startDiscoveryWatch({
    breakwaterUrl: env.breakwaterUrl,
    token: env.token,
    services: GATEWAY_UPSTREAMS,
    log,
    onConfig: (config) => {
      pool.setInstances(config.instances);
      pool.setRoutes(effectiveRoutes(config.routes));
      // (The watch logs each applied config.)
      beatNow();
    },
  });

  const declaring = new AbortController();
  declareRoutes({
    breakwaterUrl: env.breakwaterUrl,
    token: env.token,
    // The instance id makes Breakwater's audit row say which gateway created the route.
    routes: DECLARED_ROUTES.map((route) => ({ ...route, instanceId: identity.instanceId })),
    log,
    signal: declaring.signal,
  }).then(
    // (Each declaration is logged by declareRoutes.)
    () => undefined,
    (error: unknown) => {
      if (declaring.signal.aborted) return;
      const message = error instanceof DeclareRouteError ? error.message : String(error);
      log.error("route declaration failed; serving with the declared defaults", { error: message });
    },
  );

  const fallback = (ctx: RequestContext, routeId: string, upstreamPath: string, reason: string): void => {
    const span = trace.getActiveSpan();
    span?.setAttribute(RESILIENCE_ATTRIBUTES.fallback, true);
    const cached = ctx.method === "GET" ? listings.get(upstreamPath) : undefined;
    if (cached && Date.now() - cached.at <= STALE_LISTING_MAX_AGE_MS) {
      try {
        const listing = JSON.parse(cached.body.toString("utf8")) as Record<string, unknown>;
        return sendJson(
          ctx.res,
          200,
          { ...listing, stale: true, staleForMs: Date.now() - cached.at, fallback: true },
          { "x-breakwater-fallback": "stale", warning: '110 - "Response is Stale"' },
        );
      } catch {
        // not JSON after all: fall through to the 503
      }
    }
    sendJson(
      ctx.res,
      503,
      { error: reason, fallback: true, route: routeId },
      { "retry-after": "5", "x-breakwater-fallback": "unavailable" },
    );
  };

  const relay = (ctx: RequestContext, result: Extract<UpstreamCallResult, { kind: "response" }>): void => {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = result.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    headers["x-breakwater-backend"] = `${result.target.version}/${result.target.instanceId}`;
    if (result.routeVersion !== undefined) headers["x-breakwater-route-version"] = String(result.routeVersion);
    headers["content-length"] = String(result.body.length);
    ctx.res.writeHead(result.status, headers);
    ctx.res.end(result.body);
  };

  const proxy = async (ctx: RequestContext): Promise<void> => {
    const span = trace.getActiveSpan();
    const search = ctx.req.url?.includes("?") ? ctx.req.url.slice(ctx.req.url.indexOf("?")) : "";
    const resolved = resolveRoute(ctx.path, search);
    if (!resolved) throw new HttpError(404, `no route for ${ctx.path}`);
    span?.setAttribute(RESILIENCE_ATTRIBUTES.route, resolved.routeId);

    const allowed = limiter.take(clientAddress(ctx.req));
    if (!allowed.allowed) {
      span?.setAttribute(RESILIENCE_ATTRIBUTES.rateLimited, true);
      const seconds = retryAfterSeconds(allowed.retryAfterMs);
      return sendJson(
        ctx.res,
        429,
        { error: "rate limit exceeded", retryAfterSeconds: seconds },
        { "retry-after": String(seconds) },
      );
    }

    const body = ctx.method === "GET" || ctx.method === "HEAD" ? undefined : await readBody(ctx.req, MAX_BODY_BYTES);
    const headers: Record<string, string> = { "x-forwarded-for": clientAddress(ctx.req) };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = headerValue(ctx.req, name);
      if (value !== undefined) headers[name] = value;
    }
    const result = await pool.call(
      {
        service: resolved.service,
        route: resolved.routeId,
        method: ctx.method,
        path: resolved.upstreamPath,
        template: resolved.template,
        headers,
        body,
        // By method only: a client's Idempotency-Key does not make POST /orders safe to repeat
        // (orders does not deduplicate on it), so the gateway never retries it.
        idempotent: IDEMPOTENT_METHODS.has(ctx.method),
      },
      { signal: ctx.signal, timeoutMs: ROUTE_TIMEOUT_MS[resolved.routeId] },
    );
    if (ctx.signal.aborted) return;

    if (result.kind === "response") {
      const isListing = ctx.method === "GET" && resolved.routeId === "catalog" && /^\/products(\?|$)/.test(resolved.upstreamPath);
      if (isListing && result.status === 200) {
        listings.set(resolved.upstreamPath, {
          body: result.body,
          contentType: String(result.headers["content-type"] ?? "application/json"),
          at: Date.now(),
        });
        // A handful of query variants at most; keep the map small anyway.
        if (listings.size > 50) listings.delete(listings.keys().next().value!);
      }
      // The upstream answered: relay it, except a failed listing when a good one is at hand.
      if (!(isListing && result.status >= 500 && listings.has(resolved.upstreamPath))) return relay(ctx, result);
    }
    const problem = upstreamProblem(resolved.service, result);
    fallback(ctx, resolved.routeId, resolved.upstreamPath, problem?.message ?? `${resolved.service} failed`);
  };

  const routes = new Router().add("*", "/api/catalog/*", proxy).add("*", "/api/orders", proxy).add("*", "/api/orders/*", proxy);

  const adminRoutes = new Router().get("/admin/config", ({ res }) => {
    const current = discovery.current();
    sendJson(res, 200, {
      applied: discovery.appliedConfig(),
      routes: effectiveRoutes(current?.routes ?? []),
      instances: pool.instances(),
      // Transitions are the heartbeat's business; this view shows each breaker's state.
      breakers: pool.breakerReports().map((report) => ({ ...report, transitions: undefined })),
      rateLimit: env.rateLimit,
    });
  });

  const runtime = await startServiceRuntime({
    env,
    log,
    routes,
    adminRoutes,
    heartbeatFields: () => ({ ...pool.heartbeatFields(), appliedConfig: discovery.appliedConfig() }),
    onHeartbeatAcknowledged: (sent) => pool.onHeartbeatAcknowledged(sent),
    onHeartbeatFailed: (sent) => pool.onHeartbeatFailed(sent),
    onStop: async () => {
      declaring.abort();
      await discovery.stop();
    },
  });
  beatNow = runtime.beatNow;
  return runtime;
});
