import http from "node:http";
import type { AddressInfo } from "node:net";
import { context, propagation, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type BreakerConfig,
  breakerReportSchema,
  type DiscoveryInstance,
  type DiscoveryRoute,
  lbCountSchema,
  RESILIENCE_ATTRIBUTES,
} from "../../../lib/control/contract";
import {
  BREAKER_TRANSITION_EVENT,
  BREAKER_TRANSITION_EVENT_ATTRIBUTES,
  type BreakerTransitionEvent,
  createUpstreamPool,
  UNAVAILABLE_REASON_ATTRIBUTE,
  type UpstreamPool,
  type UpstreamPoolOptions,
} from "./upstream-pool";

type TestServer = { address: string; port: number; hits: number; headers: http.IncomingHttpHeaders[]; close(): Promise<void> };

const servers: TestServer[] = [];
const pools: UpstreamPool[] = [];

/** A real local HTTP server answering with `handler` (status, or "hang" to never answer). */
async function startServer(handler: (req: http.IncomingMessage) => number | "hang"): Promise<TestServer> {
  const state: TestServer = { address: "", port: 0, hits: 0, headers: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    state.hits++;
    state.headers.push(req.headers);
    req.resume();
    const answer = handler(req);
    if (answer === "hang") return;
    res.writeHead(answer, { "content-type": "text/plain" });
    res.end(`answer ${answer} from ${state.port}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as AddressInfo).port;
  state.address = `http://127.0.0.1:${state.port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  servers.push(state);
  return state;
}

const instance = (id: string, version: string, server: { address: string }, service = "orders"): DiscoveryInstance => ({
  instanceId: id,
  service,
  version,
  address: server.address,
  status: "healthy",
});

const route = (weights: Record<string, number>, id = "orders", service = "orders"): DiscoveryRoute => ({
  id,
  service,
  version: 1,
  backends: Object.entries(weights).map(([version, weight]) => ({ version, weight })),
});

const breakerConfig: BreakerConfig = {
  failureRateThreshold: 50,
  slowCallDurationMs: 5_000,
  slowCallRateThreshold: 100,
  windowMs: 60_000,
  minimumCalls: 4,
  openWaitMs: 60_000,
  halfOpenCalls: 1,
};

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer("upstream-pool-test");
const contextManager = new AsyncLocalStorageContextManager();

const makePool = (overrides: Partial<UpstreamPoolOptions> = {}) => {
  const pool = createUpstreamPool({
    owner: { service: "gateway", instanceId: "gateway-1" },
    services: ["orders"],
    breakerConfig,
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 2_000,
    tracer,
    ...overrides,
  });
  pools.push(pool);
  return pool;
};

const get = { service: "orders", method: "GET", path: "/orders" };

const clientSpans = () => exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT);

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});

afterAll(async () => {
  context.disable();
  propagation.disable();
  await provider.shutdown();
});

beforeEach(() => exporter.reset());

afterEach(async () => {
  for (const pool of pools.splice(0)) pool.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("createUpstreamPool: balancing", () => {
  it("splits traffic over versions by route weight, then evenly over each version's instances", async () => {
    const [a1, a2, b1] = await Promise.all([startServer(() => 200), startServer(() => 200), startServer(() => 200)]);
    const pool = makePool();
    pool.setInstances([instance("v1-a", "v1", a1), instance("v1-b", "v1", a2), instance("v2-a", "v2", b1)]);
    pool.setRoute(route({ v1: 80, v2: 20 }));
    for (let i = 0; i < 100; i++) {
      const result = await pool.call(get);
      expect(result).toMatchObject({ kind: "response", status: 200, route: "orders" });
    }
    expect([a1.hits, a2.hits, b1.hits]).toEqual([40, 40, 20]);
    const counts = pool.takeLbCounts();
    expect(counts.map((count) => lbCountSchema.parse(count))).toEqual(
      expect.arrayContaining([
        { route: "orders", backend: "v1", instanceId: "v1-a", routeVersion: 1, requests: 40 },
        { route: "orders", backend: "v1", instanceId: "v1-b", routeVersion: 1, requests: 40 },
        { route: "orders", backend: "v2", instanceId: "v2-a", routeVersion: 1, requests: 20 },
      ]),
    );
    expect(counts).toHaveLength(3);
    expect(pool.takeLbCounts()).toEqual([]);
  });

  it("renormalizes over the versions that still have instances, and never sends to weight 0", async () => {
    const [a, b, c] = await Promise.all([startServer(() => 200), startServer(() => 200), startServer(() => 200)]);
    const pool = makePool();
    pool.setInstances([instance("v1-a", "v1", a), instance("v3-a", "v3", c)]);
    pool.setRoute(route({ v1: 50, v2: 50, v3: 0 }));
    for (let i = 0; i < 10; i++) await pool.call(get);
    expect([a.hits, b.hits, c.hits]).toEqual([10, 0, 0]);
    // v2 arrives: the split becomes 50/50.
    pool.setInstances([instance("v1-a", "v1", a), instance("v2-a", "v2", b), instance("v3-a", "v3", c)]);
    for (let i = 0; i < 10; i++) await pool.call(get);
    expect([a.hits, b.hits, c.hits]).toEqual([15, 5, 0]);
  });

  it("without a route, rotates over every instance of the service and counts no lb traffic", async () => {
    const [a, b] = await Promise.all([startServer(() => 200), startServer(() => 200)]);
    const pool = makePool();
    pool.setInstances([instance("o-1", "v1", a), instance("o-2", "v2", b), instance("p-1", "v1", a, "payments")]);
    for (let i = 0; i < 6; i++) await pool.call(get);
    expect([a.hits, b.hits]).toEqual([3, 3]);
    expect(pool.takeLbCounts()).toEqual([]);
    expect(pool.instances().map((i) => i.instanceId)).toEqual(["o-1", "o-2"]);
  });

  it("puts lb counts of a failed heartbeat back, added to the new ones", async () => {
    const server = await startServer(() => 200);
    const pool = makePool();
    pool.setInstances([instance("v1-a", "v1", server)]);
    pool.setRoute(route({ v1: 100 }));
    await pool.call(get);
    const sent = pool.heartbeatFields();
    expect(sent.lbCounts).toEqual([{ route: "orders", backend: "v1", instanceId: "v1-a", routeVersion: 1, requests: 1 }]);
    await pool.call(get);
    pool.onHeartbeatFailed(sent);
    expect(pool.takeLbCounts()).toEqual([{ route: "orders", backend: "v1", instanceId: "v1-a", routeVersion: 1, requests: 2 }]);
  });

  it("counts requests per route version, so a weight change separates the old split from the new", async () => {
    const [a, b] = await Promise.all([startServer(() => 200), startServer(() => 200)]);
    const pool = makePool();
    pool.setInstances([instance("v1-a", "v1", a), instance("v2-a", "v2", b)]);
    pool.setRoute(route({ v1: 100, v2: 0 }));
    for (let i = 0; i < 4; i++) await pool.call(get);
    const sent = pool.heartbeatFields();
    pool.setRoute({ ...route({ v1: 50, v2: 50 }), version: 2 });
    for (let i = 0; i < 4; i++) await pool.call(get);
    // The beat carrying version 1's counts failed: they come back under version 1.
    pool.onHeartbeatFailed(sent);
    const byKey = (counts: readonly { routeVersion?: number; backend: string }[]) =>
      Object.fromEntries(counts.map((count) => [`${count.routeVersion}/${count.backend}`, count]));
    expect(byKey(pool.takeLbCounts())).toEqual({
      "1/v1": { route: "orders", backend: "v1", instanceId: "v1-a", routeVersion: 1, requests: 4 },
      "2/v1": { route: "orders", backend: "v1", instanceId: "v1-a", routeVersion: 2, requests: 2 },
      "2/v2": { route: "orders", backend: "v2", instanceId: "v2-a", routeVersion: 2, requests: 2 },
    });
  });
});

describe("createUpstreamPool: instance weights", () => {
  const weightedRoute = (
    backends: { version: string; weight: number; instances?: { instanceId: string; weight: number }[] }[],
    version = 1,
  ): DiscoveryRoute => ({ id: "orders", service: "orders", version, backends });

  const recordingLog = () => {
    const lines: { level: "info" | "warn" | "error"; message: string }[] = [];
    return {
      lines,
      info: (message: string) => lines.push({ level: "info", message }),
      warn: (message: string) => lines.push({ level: "warn", message }),
      error: (message: string) => lines.push({ level: "error", message }),
    };
  };

  it("sends a version's share only to its listed instances, in proportion to their weights", async () => {
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => startServer(() => 200)));
    const pool = makePool();
    pool.setInstances([
      instance("v1-a", "v1", a),
      instance("v1-b", "v1", b),
      instance("v1-c", "v1", c),
      instance("v2-a", "v2", d),
    ]);
    pool.setRoute(
      weightedRoute([
        {
          version: "v1",
          weight: 80,
          instances: [
            { instanceId: "v1-a", weight: 3 },
            { instanceId: "v1-b", weight: 1 },
            // Listed at 0: drained.
            { instanceId: "v1-c", weight: 0 },
          ],
        },
        { version: "v2", weight: 20 },
      ]),
    );
    for (let i = 0; i < 100; i++) await pool.call(get);
    // v1 gets 80 (smooth WRR is exact over a whole cycle), split 3:1 over a and b; c nothing.
    expect([a.hits, b.hits, c.hits, d.hits]).toEqual([60, 20, 0, 20]);
    const counts = pool.takeLbCounts();
    expect(counts.find((count) => count.instanceId === "v1-a")).toMatchObject({ backend: "v1", routeVersion: 1, requests: 60 });
    expect(counts.some((count) => count.instanceId === "v1-c")).toBe(false);
  });

  it("spreads the heavy instance out instead of sending it bursts (smooth weighted round robin)", async () => {
    const [a, b] = await Promise.all([startServer(() => 200), startServer(() => 200)]);
    const pool = makePool();
    pool.setInstances([instance("v1-a", "v1", a), instance("v1-b", "v1", b)]);
    pool.setRoute(
      weightedRoute([
        {
          version: "v1",
          weight: 100,
          instances: [
            { instanceId: "v1-a", weight: 2 },
            { instanceId: "v1-b", weight: 1 },
          ],
        },
      ]),
    );
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await pool.call(get);
      if (result.kind === "response") order.push(result.target.instanceId);
    }
    expect(order).toEqual(["v1-a", "v1-b", "v1-a", "v1-a", "v1-b", "v1-a"]);
  });

  it("moves a weighted instance's share to the other listed ones while its breaker is open, never to unlisted ones", async () => {
    const [a, b, c] = await Promise.all([startServer(() => 500), startServer(() => 200), startServer(() => 200)]);
    const pool = makePool();
    pool.setInstances([instance("v1-a", "v1", a), instance("v1-b", "v1", b), instance("v1-c", "v1", c)]);
    pool.setRoute(
      weightedRoute([
        {
          version: "v1",
          weight: 100,
          instances: [
            { instanceId: "v1-a", weight: 50 },
            { instanceId: "v1-b", weight: 50 },
          ],
        },
      ]),
    );
    for (let i = 0; i < 20; i++) await pool.call(get);
    expect(pool.breaker("orders", "v1-a")?.snapshot().state).toBe("open");
    // a: its share until the breaker saw minimumCalls (4) failures; then b takes everything.
    expect(a.hits).toBe(4);
    expect(b.hits).toBe(16);
    expect(c.hits).toBe(0);
  });

  it("falls back to every available instance of the version when none of the listed ones is available, and says so once", async () => {
    const [a, b, c] = await Promise.all([startServer(() => 200), startServer(() => 200), startServer(() => 200)]);
    const log = recordingLog();
    const pool = makePool({ log });
    // v1-x is listed but not in discovery (gone, or unhealthy and so not offered); v2-y is listed
    // under v1 but runs v2, so it is not one of v1's instances.
    pool.setInstances([instance("v1-a", "v1", a), instance("v1-b", "v1", b), instance("v2-y", "v2", c)]);
    pool.setRoute(
      weightedRoute([
        {
          version: "v1",
          weight: 100,
          instances: [
            { instanceId: "v1-x", weight: 10 },
            { instanceId: "v2-y", weight: 10 },
          ],
        },
        { version: "v2", weight: 0 },
      ]),
    );
    for (let i = 0; i < 10; i++) await pool.call(get);
    expect([a.hits, b.hits, c.hits]).toEqual([5, 5, 0]);
    const warnings = log.lines.filter((line) => line.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/route orders@1: none of the instances weighted for v1 is available/);

    // Config refreshes that change nothing do not repeat the warning.
    pool.setInstances([instance("v1-a", "v1", a), instance("v1-b", "v1", b), instance("v2-y", "v2", c)]);
    expect(log.lines.filter((line) => line.level === "warn")).toHaveLength(1);

    // v1-x comes (back): the weights apply again, and only it gets v1's traffic.
    const x = await startServer(() => 200);
    pool.setInstances([
      instance("v1-a", "v1", a),
      instance("v1-b", "v1", b),
      instance("v1-x", "v1", x),
      instance("v2-y", "v2", c),
    ]);
    for (let i = 0; i < 10; i++) await pool.call(get);
    expect([a.hits, b.hits, x.hits, c.hits]).toEqual([5, 5, 10, 0]);
    expect(log.lines.at(-1)).toMatchObject({
      level: "info",
      message: expect.stringMatching(/instance weights for v1 in effect again/),
    });
  });

  it("drops the instance weights when a new route version no longer lists them", async () => {
    const [a, b] = await Promise.all([startServer(() => 200), startServer(() => 200)]);
    const pool = makePool();
    pool.setInstances([instance("v1-a", "v1", a), instance("v1-b", "v1", b)]);
    pool.setRoute(weightedRoute([{ version: "v1", weight: 100, instances: [{ instanceId: "v1-a", weight: 1 }] }]));
    for (let i = 0; i < 4; i++) await pool.call(get);
    expect([a.hits, b.hits]).toEqual([4, 0]);
    pool.setRoute(weightedRoute([{ version: "v1", weight: 100 }], 2));
    for (let i = 0; i < 4; i++) await pool.call(get);
    expect([a.hits, b.hits]).toEqual([6, 2]);
  });
});

describe("createUpstreamPool: breakers, retries, timeouts", () => {
  it("trips the breaker of a failing instance and moves its traffic to the other one", async () => {
    const [bad, good] = await Promise.all([startServer(() => 503), startServer(() => 200)]);
    const events: BreakerTransitionEvent[] = [];
    const pool = makePool({ onBreakerTransition: (event) => events.push(event) });
    pool.setInstances([instance("bad", "v1", bad), instance("good", "v1", good)]);
    for (let i = 0; i < 8; i++) await pool.call(get);
    // Alternating: the 4th call to "bad" (minimumCalls 4, 100% failures) trips it.
    expect(bad.hits).toBe(4);
    expect(pool.breaker("orders", "bad")?.state()).toBe("open");
    expect(events).toEqual([
      {
        targetService: "orders",
        targetInstanceId: "bad",
        targetVersion: "v1",
        transition: expect.objectContaining({ from: "closed", to: "open", reason: "failure rate 100% ≥ 50% over 4 calls" }),
      },
    ]);
    for (let i = 0; i < 10; i++) expect(await pool.call(get)).toMatchObject({ kind: "response", status: 200 });
    expect(bad.hits).toBe(4);
    expect(good.hits).toBe(14);

    const report = pool.breakerReports().find((r) => r.targetInstanceId === "bad");
    expect(breakerReportSchema.parse(report)).toMatchObject({
      targetService: "orders",
      targetVersion: "v1",
      state: "open",
      calls: 4,
      failedCalls: 4,
      failureRate: 100,
      // Each of the 11 requests after the trip (call 8 and the 10 after it) routed around it.
      notPermittedCalls: 11,
      transitions: [{ from: "closed", to: "open" }],
    });
  });

  it("retries an idempotent request on another instance, never into an open breaker", async () => {
    const [a, b] = await Promise.all([startServer(() => 503), startServer(() => 503)]);
    const pool = makePool({
      breakerConfig: { ...breakerConfig, minimumCalls: 1 },
      retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 },
    });
    pool.setInstances([instance("a", "v1", a), instance("b", "v1", b)]);
    const result = await pool.call(get);
    // a fails (opens), retry on b fails (opens), no instance left to retry on.
    expect(result).toMatchObject({ kind: "response", status: 503 });
    expect(result.attempts.map((attempt) => attempt.target.instanceId)).toEqual(["a", "b"]);
    expect([a.hits, b.hits]).toEqual([1, 1]);
    expect(await pool.call(get)).toMatchObject({ kind: "unavailable", reason: "short_circuited", attempts: [] });
    expect([a.hits, b.hits]).toEqual([1, 1]);
  });

  it("retries a GET on another instance to success", async () => {
    const [failing, healthy] = await Promise.all([startServer(() => 502), startServer(() => 200)]);
    const pool = makePool({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    pool.setInstances([instance("failing", "v1", failing), instance("healthy", "v1", healthy)]);
    const retried = await pool.call(get);
    expect(retried).toMatchObject({ kind: "response", status: 200, target: { instanceId: "healthy" } });
    expect(retried.attempts.map((attempt) => [attempt.target.instanceId, attempt.outcome])).toEqual([
      ["failing", { kind: "response", status: 502 }],
      ["healthy", { kind: "response", status: 200 }],
    ]);
  });

  it("does not retry a POST without an idempotency key; retries one with a key, on the same instance when it is the only one", async () => {
    const failing = await startServer(() => 503);
    const pool = makePool({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    pool.setInstances([instance("failing", "v1", failing)]);
    const post = await pool.call({ service: "orders", method: "POST", path: "/orders", body: "{}" });
    expect(post).toMatchObject({ kind: "response", status: 503 });
    expect(post.attempts).toHaveLength(1);
    const keyed = await pool.call({
      service: "orders",
      method: "POST",
      path: "/orders",
      body: "{}",
      headers: { "Idempotency-Key": "order-7" },
    });
    expect(keyed).toMatchObject({ kind: "response", status: 503 });
    expect(keyed.attempts.map((attempt) => attempt.target.instanceId)).toEqual(["failing", "failing", "failing"]);
    expect(failing.hits).toBe(4);
    // minimumCalls 4 reached with 100% failures: the last attempt opened the breaker.
    expect(pool.breaker("orders", "failing")?.state()).toBe("open");
  });

  it("counts a timeout as a breaker failure and marks the span", async () => {
    const hanging = await startServer(() => "hang");
    const pool = makePool({ breakerConfig: { ...breakerConfig, minimumCalls: 1 } });
    pool.setInstances([instance("slow", "v1", hanging)]);
    const result = await pool.call(get, { timeoutMs: 100 });
    expect(result).toMatchObject({ kind: "failed", failure: "timeout", target: { instanceId: "slow" } });
    expect(pool.breaker("orders", "slow")?.snapshot()).toMatchObject({ state: "open", failedCalls: 1 });
    const [span] = clientSpans();
    expect(span.attributes[RESILIENCE_ATTRIBUTES.timeout]).toBe(true);
    expect(span.attributes["error.type"]).toBe("timeout");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("counts a refused connection as a failure (and retries it for GET)", async () => {
    const gone = await startServer(() => 200);
    await gone.close();
    const pool = makePool({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    pool.setInstances([instance("gone", "v1", gone)]);
    const result = await pool.call(get);
    expect(result).toMatchObject({ kind: "failed", failure: "connect_error" });
    expect(result.attempts.map((a) => a.outcome)).toEqual([
      { kind: "connect_error", code: "ECONNREFUSED" },
      { kind: "connect_error", code: "ECONNREFUSED" },
    ]);
    expect(pool.breaker("orders", "gone")?.snapshot().failedCalls).toBe(2);
  });

  it("answers unavailable (no_instances) when nothing is known, with an INTERNAL span", async () => {
    const pool = makePool();
    expect(await pool.call(get)).toEqual({ kind: "unavailable", reason: "no_instances", route: undefined, attempts: [] });
    pool.setRoute(route({ v1: 100 }));
    expect(await pool.call(get)).toMatchObject({ kind: "unavailable", reason: "no_instances", route: "orders" });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => [span.name, span.kind])).toEqual([
      ["GET orders unavailable", SpanKind.INTERNAL],
      ["GET orders unavailable", SpanKind.INTERNAL],
    ]);
    expect(spans[1].attributes).toMatchObject({
      [RESILIENCE_ATTRIBUTES.shortCircuited]: false,
      [UNAVAILABLE_REASON_ATTRIBUTE]: "no_instances",
      [RESILIENCE_ATTRIBUTES.route]: "orders",
    });
  });

  it("aborts a call when the caller's signal fires: no failure recorded", async () => {
    const hanging = await startServer(() => "hang");
    const pool = makePool({ breakerConfig: { ...breakerConfig, minimumCalls: 1 } });
    pool.setInstances([instance("h", "v1", hanging)]);
    const controller = new AbortController();
    const pending = pool.call(get, { signal: controller.signal, timeoutMs: 5_000 });
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ kind: "failed", failure: "aborted" });
    expect(pool.breaker("orders", "h")?.snapshot()).toMatchObject({ state: "closed", calls: 0 });
  });
});

describe("createUpstreamPool: spans", () => {
  const spanByName = (name: string) => exporter.getFinishedSpans().find((span) => span.name === name) as ReadableSpan;

  it("creates one CLIENT span per attempt under the caller's span, and propagates its context", async () => {
    let calls = 0;
    const server = await startServer(() => (++calls === 1 ? 503 : 201));
    const pool = makePool({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    pool.setInstances([instance("only", "v2", server)]);
    pool.setRoute(route({ v2: 100 }));
    await tracer.startActiveSpan("GET /checkout", { kind: SpanKind.SERVER }, async (parent) => {
      await pool.call({ service: "orders", method: "put", path: "/orders/7?x=1" });
      parent.end();
    });
    const parent = spanByName("GET /checkout");
    const attempts = clientSpans();
    expect(attempts).toHaveLength(2);
    for (const [index, span] of attempts.entries()) {
      expect(span.name).toBe("PUT /orders/7");
      expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(span.attributes).toMatchObject({
        "http.request.method": "PUT",
        "url.full": `${server.address}/orders/7?x=1`,
        "server.address": "127.0.0.1",
        "server.port": server.port,
        "peer.service": "orders",
        [RESILIENCE_ATTRIBUTES.backendInstance]: "only",
        [RESILIENCE_ATTRIBUTES.backendVersion]: "v2",
        [RESILIENCE_ATTRIBUTES.route]: "orders",
        [RESILIENCE_ATTRIBUTES.routeVersion]: 1,
        [RESILIENCE_ATTRIBUTES.retryAttempt]: index,
        [RESILIENCE_ATTRIBUTES.breakerState]: "closed",
        [RESILIENCE_ATTRIBUTES.timeout]: false,
      });
      // The server received this attempt's span as its parent.
      expect(server.headers[index].traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    }
    expect(attempts[0].attributes["http.response.status_code"]).toBe(503);
    expect(attempts[0].status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[1].attributes["http.response.status_code"]).toBe(201);
    expect(attempts[1].status.code).toBe(SpanStatusCode.UNSET);
  });

  it("records a breaker transition as an event on the attempt's span", async () => {
    const server = await startServer(() => 500);
    const pool = makePool({ breakerConfig: { ...breakerConfig, minimumCalls: 1 } });
    pool.setInstances([instance("broken", "v1", server)]);
    await pool.call(get);
    const [span] = clientSpans();
    expect(span.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        BREAKER_TRANSITION_EVENT,
        {
          [BREAKER_TRANSITION_EVENT_ATTRIBUTES.from]: "closed",
          [BREAKER_TRANSITION_EVENT_ATTRIBUTES.to]: "open",
          [BREAKER_TRANSITION_EVENT_ATTRIBUTES.targetService]: "orders",
          [BREAKER_TRANSITION_EVENT_ATTRIBUTES.targetInstance]: "broken",
          [BREAKER_TRANSITION_EVENT_ATTRIBUTES.reason]: "failure rate 100% ≥ 50% over 1 calls",
        },
      ],
    ]);
  });

  it("traces a short-circuit as an INTERNAL span and marks the caller's span", async () => {
    const server = await startServer(() => 503);
    const pool = makePool({ breakerConfig: { ...breakerConfig, minimumCalls: 1 } });
    pool.setInstances([instance("a", "v1", server)]);
    pool.setRoute(route({ v1: 100 }));
    await pool.call(get); // trips "a"
    exporter.reset();
    await tracer.startActiveSpan("GET /checkout", { kind: SpanKind.SERVER }, async (parent) => {
      expect(await pool.call(get)).toMatchObject({ kind: "unavailable", reason: "short_circuited", route: "orders" });
      parent.end();
    });
    const parent = spanByName("GET /checkout");
    const internal = spanByName("GET orders unavailable");
    expect(clientSpans()).toEqual([]);
    expect(parent.attributes[RESILIENCE_ATTRIBUTES.shortCircuited]).toBe(true);
    expect(internal.kind).toBe(SpanKind.INTERNAL);
    expect(internal.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(internal.attributes).toMatchObject({
      [RESILIENCE_ATTRIBUTES.shortCircuited]: true,
      [UNAVAILABLE_REASON_ATTRIBUTE]: "short_circuited",
      "peer.service": "orders",
    });
    expect(internal.status).toEqual({ code: SpanStatusCode.ERROR, message: "every orders breaker is open" });
    expect(pool.breakerReports()[0].notPermittedCalls).toBe(1);
  });

  it("sends no second CLIENT span through the HTTP auto-instrumentation path (tracing suppressed)", async () => {
    let isSuppressed: boolean | undefined;
    const server = await startServer(() => 200);
    const pool = makePool();
    pool.setInstances([instance("a", "v1", server)]);
    // Any span started while the request is sent (as the http instrumentation would) is dropped.
    const original = http.request;
    const spy = ((...args: Parameters<typeof http.request>) => {
      const span = tracer.startSpan("inner");
      isSuppressed = !span.isRecording();
      span.end();
      return original(...args);
    }) as typeof http.request;
    http.request = spy;
    try {
      await pool.call(get);
    } finally {
      http.request = original;
    }
    expect(isSuppressed).toBe(true);
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(["GET /orders"]);
  });
});

describe("createUpstreamPool: breaker reports", () => {
  it("keeps transitions until a heartbeat carrying them is acknowledged, and reports not-permitted deltas", async () => {
    const server = await startServer(() => 200);
    const pool = makePool();
    pool.setInstances([instance("a", "v1", server)]);
    const breaker = pool.breaker("orders", "a");
    breaker?.transitionTo("forced_open", "drill");
    await pool.call(get);
    const first = pool.heartbeatFields();
    expect(first.breakers[0]).toMatchObject({ state: "forced_open", notPermittedCalls: 1, transitions: [{ to: "forced_open" }] });
    // A failed beat changes nothing; the next report carries the same transition plus news.
    breaker?.transitionTo("closed", "drill over");
    const second = pool.breakerReports();
    expect(second[0].transitions.map((t) => t.to)).toEqual(["forced_open", "closed"]);
    pool.onHeartbeatAcknowledged(first);
    const third = pool.breakerReports();
    expect(third[0]).toMatchObject({ state: "closed", notPermittedCalls: 0 });
    expect(third[0].transitions.map((t) => t.to)).toEqual(["closed"]);
    pool.acknowledgeTransitions(third);
    expect(pool.breakerReports()[0].transitions).toEqual([]);
  });

  it("keeps at most 100 unacknowledged transitions per breaker, dropping the oldest", async () => {
    const server = await startServer(() => 200);
    const pool = makePool();
    pool.setInstances([instance("a", "v1", server)]);
    const breaker = pool.breaker("orders", "a");
    for (let i = 0; i < 75; i++) {
      breaker?.transitionTo("forced_open", `open ${i}`);
      breaker?.transitionTo("closed", `close ${i}`);
    }
    const [report] = pool.breakerReports();
    expect(report.transitions).toHaveLength(100);
    expect(report.transitions[0].reason).toBe("open 25");
    expect(report.transitions.at(-1)?.reason).toBe("close 74");
    expect(breakerReportSchema.safeParse(report).success).toBe(true);
  });

  it("keeps breakers of instances that stay, and a departed one until its transitions are acknowledged", async () => {
    const [a, b] = await Promise.all([startServer(() => 200), startServer(() => 200)]);
    const pool = makePool();
    pool.setInstances([instance("a", "v1", a), instance("b", "v1", b)]);
    const breakerA = pool.breaker("orders", "a");
    pool.breaker("orders", "b")?.transitionTo("forced_open");
    pool.setInstances([instance("a", "v1", a)]);
    expect(pool.breaker("orders", "a")).toBe(breakerA);
    expect(pool.breakerReports().map((r) => r.targetInstanceId)).toEqual(["a", "b"]);
    pool.acknowledgeTransitions(pool.breakerReports());
    expect(pool.breakerReports().map((r) => r.targetInstanceId)).toEqual(["a"]);
    for (let i = 0; i < 3; i++) await pool.call(get);
    expect(b.hits).toBe(0);
  });
});
