import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as listRoutesRoute } from "@/app/api/v1/routes/route";
import { RESILIENCE_ATTRIBUTES } from "@/lib/control/contract";
import { setUpControlTestDatabase } from "@/lib/control/test-fixtures";
import { resetEnvForTests } from "@/lib/env";
import { SpanWriter } from "@/lib/ingest/span-writer";
import { type Attributes, type NormalizedSpan, type ResourceRecord, SPAN_KIND, STATUS_CODE } from "@/lib/otlp/model";
import { createTestSession } from "@/lib/test/auth";
import {
  routeDetailSchema,
  type RouteHistory,
  routeHistorySchema,
  routeListSchema,
  routeSplitSeriesSchema,
  routeVersionRedSchema,
  updateRouteWeightsResponseSchema,
} from "@/lib/traffic/contract";
import { BASE_URL, DECLARED_BACKENDS, beat, routeContext, seedOrdersRoute, weightsRequest } from "@/lib/traffic/test-fixtures";
import { GET as getHistory } from "./history/route";
import { GET as getDetail } from "./route";
import { GET as getSplit } from "./split/route";
import { GET as getVersions } from "./versions/route";
import { PUT as putWeights } from "./weights/route";

// The read side of the traffic API through the real handlers: apply status from gateway
// heartbeats, the observed split from LB counts and from spans written by the real span
// writer, history pages, the split series and RED per version. Every response is parsed with
// the contract's schema.

const db = setUpControlTestDatabase();
let operator: string;

beforeAll(async () => {
  operator = (await createTestSession({ username: "alice", role: "operator" })).cookie;
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE spans, resources, scopes, services, operations");
  await seedOrdersRoute(db.pool);
});

const get = async <T>(
  handler: (request: Request, context: ReturnType<typeof routeContext>) => Promise<Response>,
  path: string,
  parse: (body: unknown) => T,
  headers: Record<string, string> = {},
): Promise<T> => {
  const response = await handler(new Request(`${BASE_URL}/api/v1/routes/orders${path}`, { headers }), routeContext("orders"));
  const body = (await response.json()) as unknown;
  expect(response.status, JSON.stringify(body)).toBe(200);
  return parse(body);
};
const detail = () => get(getDetail, "", (body) => routeDetailSchema.parse(body));

const weights = (...pairs: [string, number][]) => pairs.map(([version, weight]) => ({ version, weight }));

async function save(version: number, backends: ReturnType<typeof weights>, reason?: string) {
  const response = await putWeights(
    weightsRequest("orders", { version, backends, reason }, { cookie: operator }),
    routeContext("orders"),
  );
  expect(response.status).toBe(200);
  return updateRouteWeightsResponseSchema.parse(await response.json());
}

/** A gateway heartbeat saying it applied `routeVersion` of orders, with LB counts. */
const gatewayBeat = (
  instanceId: string,
  routeVersion: number,
  lbCounts: { backend: string; instanceId: string; requests: number; routeVersion?: number }[] = [],
) =>
  beat(
    {
      service: "gateway",
      instanceId,
      version: "v1",
      ttlMs: 60_000,
      appliedConfig: {
        version: `etag-${routeVersion}`,
        appliedAt: new Date().toISOString(),
        routes: [{ id: "orders", version: routeVersion }],
        configAgeMs: 0,
      },
      lbCounts: lbCounts.map((count) => ({ route: "orders", ...count })),
    },
    db.pool,
  );

describe("GET /api/v1/routes/{id}: apply status", () => {
  it("goes no_gateway → pending (naming the gateway behind) → applied once a heartbeat reports the version", async () => {
    const saved = await save(1, weights(["v1", 80], ["v2", 20]), "canary");
    expect((await detail()).status).toEqual({ state: "no_gateway", version: 2 });

    await gatewayBeat("gateway-1", 1);
    const pending = await detail();
    expect(pending.status).toEqual({ state: "pending", version: 2, since: saved.route.updatedAt, behind: ["gateway-1"] });
    expect(pending.gateways).toEqual([
      {
        gatewayInstanceId: "gateway-1",
        appliedVersion: 1,
        appliedAt: expect.any(String),
        status: "healthy",
        lastHeartbeatAt: expect.any(String),
      },
    ]);

    await gatewayBeat("gateway-1", 2);
    const applied = await detail();
    expect(applied.status).toEqual({ state: "applied", version: 2, appliedAt: applied.gateways[0].appliedAt });
    expect(applied.gateways[0].appliedVersion).toBe(2);
    expect(applied.route).toMatchObject({ id: "orders", version: 2, backends: weights(["v1", 80], ["v2", 20]) });

    // A second gateway still on version 1 holds it back; once it is deregistered it no longer does.
    await gatewayBeat("gateway-2", 1);
    expect((await detail()).status).toMatchObject({ state: "pending", behind: ["gateway-2"] });
    await db.pool.query("UPDATE instances SET status = 'deregistered' WHERE instance_id = 'gateway-2'");
    expect((await detail()).status).toMatchObject({ state: "applied", version: 2 });
    // A gateway silent past its TTL is not live either.
    await db.pool.query("UPDATE instances SET last_received_at = now() - interval '2 minutes' WHERE instance_id = 'gateway-1'");
    expect((await detail()).status).toEqual({ state: "no_gateway", version: 2 });

    // The list says the same per route.
    const list = routeListSchema.parse(await (await listRoutesRoute(new Request(`${BASE_URL}/api/v1/routes`))).json());
    expect(list.routes.map((route) => [route.id, route.status.state, route.gateways.length])).toEqual([
      ["orders", "no_gateway", 2],
    ]);
  });

  it("answers 404 for an unknown route", async () => {
    const response = await getDetail(new Request(`${BASE_URL}/api/v1/routes/nope`), routeContext("nope"));
    expect(response.status).toBe(404);
  });
});

describe("GET /api/v1/routes/{id}: observed split", () => {
  it("counts LB requests of the configured version (current) and of the last minute (recent)", async () => {
    await save(1, weights(["v1", 80], ["v2", 20]));
    await gatewayBeat("gateway-1", 2, [
      // Sent under version 1 (before the gateway applied 2): recent only.
      { backend: "v1", instanceId: "orders-1", requests: 45, routeVersion: 1 },
      { backend: "v2", instanceId: "orders-2", requests: 5, routeVersion: 1 },
      { backend: "v1", instanceId: "orders-1", requests: 80, routeVersion: 2 },
      { backend: "v2", instanceId: "orders-2", requests: 12, routeVersion: 2 },
      { backend: "v2", instanceId: "orders-3", requests: 8, routeVersion: 2 },
    ]);
    // Another route's counts and counts older than a minute stay out.
    await db.pool.query(
      `INSERT INTO lb_counts (gateway_instance_id, route_id, backend, upstream_instance_id, bucket_start, route_version, requests)
       VALUES ('gateway-1', 'catalog', 'v1', 'catalog-1', date_bin('10 seconds', now(), timestamptz 'epoch'), 2, 1000),
              ('gateway-1', 'orders', 'v1', 'orders-1', date_bin('10 seconds', now() - interval '5 minutes', timestamptz 'epoch'), 1, 500)`,
    );

    const { observed } = await detail();
    expect(observed.lb.current).toMatchObject({
      total: 100,
      backends: [
        { version: "v1", requests: 80, share: 0.8 },
        { version: "v2", requests: 20, share: 0.2 },
      ],
    });
    expect(observed.lb.recent).toMatchObject({
      total: 150,
      backends: [
        { version: "v1", requests: 125, share: 125 / 150 },
        { version: "v2", requests: 25, share: 25 / 150 },
      ],
    });
    expect(Date.parse(observed.lb.recent.to) - Date.parse(observed.lb.recent.from)).toBe(60_000);
    expect(observed.spans.recent).toMatchObject({ total: 0 });
  });

  it("counts the gateway's CLIENT spans of the route in the last minute by breakwater.backend.version", async () => {
    await gatewayBeat("gateway-1", 1);
    const nowMs = Date.now();
    await ingest([
      ...range(8).map((i) => gatewayClient(nowMs - 5_000 - i * 100, "v1")),
      ...range(2).map((i) => gatewayClient(nowMs - 6_000 - i * 100, "v2")),
      // Out: older than a minute, another route, a SERVER span, another service's CLIENT span.
      gatewayClient(nowMs - 90_000, "v2"),
      gatewayClient(nowMs - 5_000, "v2", { route: "catalog" }),
      gatewayClient(nowMs - 5_000, "v2", { kind: SPAN_KIND.SERVER }),
      gatewayClient(nowMs - 5_000, "v2", { service: "loadgen" }),
    ]);
    const { observed } = await detail();
    expect(observed.spans.recent).toMatchObject({
      total: 10,
      backends: [
        { version: "v1", requests: 8, share: 0.8 },
        { version: "v2", requests: 2, share: 0.2 },
      ],
    });
  });
});

describe("GET /api/v1/routes/{id}/history", () => {
  it("pages newest first by keyset until nextBefore is null, and shows reverts", async () => {
    let version = 1;
    for (const v1 of [80, 70, 60, 50]) {
      await save(version, weights(["v1", v1], ["v2", 100 - v1]), `step ${v1}`);
      version++;
    }
    const { rows } = await db.pool.query<{ id: string }>("SELECT id FROM route_changes WHERE route_version = 1");
    const declaration = Number(rows[0].id);
    const revert = await putWeights(
      weightsRequest("orders", { version, backends: DECLARED_BACKENDS, revertOf: declaration }, { cookie: operator }),
      routeContext("orders"),
    );
    expect(revert.status).toBe(200);

    const seen: number[] = [];
    const pages: number[] = [];
    let before: number | null = null;
    do {
      const page: RouteHistory = await get(getHistory, `/history?limit=2${before === null ? "" : `&before=${before}`}`, (body) =>
        routeHistorySchema.parse(body),
      );
      pages.push(page.changes.length);
      seen.push(...page.changes.map((change) => change.routeVersion));
      if (seen.length === 1) expect(page.changes[0]).toMatchObject({ revertOf: declaration, newBackends: DECLARED_BACKENDS });
      before = page.nextBefore;
    } while (before !== null);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1]);
    expect(pages).toEqual([2, 2, 2]);

    const first = await get(getHistory, "/history", (body) => routeHistorySchema.parse(body));
    expect(first.changes[0]).toMatchObject({
      routeVersion: 6,
      actor: "user:alice",
      reason: `revert to weights of change #${declaration}`,
      revertOf: declaration,
    });
    expect(first.changes[5]).toMatchObject({ routeVersion: 1, actor: "gateway:gateway-1", oldBackends: null, revertOf: null });
    expect(first.nextBefore).toBeNull();

    const bad = await getHistory(new Request(`${BASE_URL}/api/v1/routes/orders/history?limit=0`), routeContext("orders"));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { param: string }).param).toBe("limit");
    const unknown = await getHistory(new Request(`${BASE_URL}/api/v1/routes/nope/history`), routeContext("nope"));
    expect(unknown.status).toBe(404);
  });
});

describe("GET /api/v1/routes/{id}/split", () => {
  it("gives 10 s buckets with the configured weights in effect, LB and span counts, and changes as annotations", async () => {
    // The declaration happened 4 minutes ago; the change now.
    await db.pool.query("UPDATE route_changes SET at = now() - interval '4 minutes' WHERE route_version = 1");
    const change = await save(1, weights(["v1", 80], ["v2", 20]), "canary");
    const changedAtMs = Date.parse(change.change.at);
    await gatewayBeat("gateway-1", 2, [
      { backend: "v1", instanceId: "orders-1", requests: 40, routeVersion: 2 },
      { backend: "v2", instanceId: "orders-2", requests: 10, routeVersion: 2 },
    ]);
    const nowMs = Date.now();
    await ingest([gatewayClient(nowMs - 1_000, "v1"), gatewayClient(nowMs - 2_000, "v2"), gatewayClient(nowMs - 130_000, "v1")]);

    const series = await get(getSplit, "/split?range=5m", (body) => routeSplitSeriesSchema.parse(body));
    expect(series.stepMs).toBe(10_000);
    expect(series.versions).toEqual(["v1", "v2"]);
    expect(series.points.length).toBeGreaterThanOrEqual(30);
    expect(series.points.length).toBeLessThanOrEqual(31);
    for (const point of series.points) expect(point.t % 10_000).toBe(0);
    const last = series.points[series.points.length - 1];
    const sum = (key: "lb" | "spans", version: string) => series.points.reduce((total, p) => total + (p[key][version] ?? 0), 0);
    expect([sum("lb", "v1"), sum("lb", "v2")]).toEqual([40, 10]);
    expect([sum("spans", "v1"), sum("spans", "v2")]).toEqual([2, 1]);
    // Before the change the declared weights; from the first bucket starting after it, the new ones; nothing before the route.
    expect(series.points[0].configured).toEqual({});
    const middle = series.points.find((p) => p.t > nowMs - 3 * 60_000 && p.t < changedAtMs - 10_000)!;
    expect(middle.configured).toEqual({ v1: 90, v2: 10 });
    const afterChange = series.points.filter((p) => p.t >= changedAtMs);
    for (const point of afterChange) expect(point.configured).toEqual({ v1: 80, v2: 20 });
    expect(last.t).toBeLessThanOrEqual(nowMs);
    expect(series.changes.map((c) => [c.routeVersion, c.actor, c.reason])).toEqual([
      [1, "gateway:gateway-1", "declared by gateway"],
      [2, "user:alice", "canary"],
    ]);

    const bad = await getSplit(new Request(`${BASE_URL}/api/v1/routes/orders/split?range=2d`), routeContext("orders"));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { param: string }).param).toBe("range");
  });
});

describe("GET /api/v1/routes/{id}/versions", () => {
  it("gives requests, rate, error fraction and exact percentiles per version from the route service's SERVER spans", async () => {
    const nowMs = Date.now();
    await ingest([
      ...[10, 20, 30, 40, 50].map((ms, i) => ordersServer(nowMs - 10_000 - i * 1_000, "v1", ms, i === 2)),
      ordersServer(nowMs - 10_000, "v2", 100, true),
      ordersServer(nowMs - 11_000, "v2", 200, true),
      // Out: outside the window, orders' own CLIENT span, another service's SERVER span.
      ordersServer(nowMs - 6 * 60_000, "v1", 5_000),
      ordersServer(nowMs - 10_000, "v1", 5_000, false, SPAN_KIND.CLIENT),
      { ...ordersServer(nowMs - 10_000, "v1", 5_000), serviceName: "payments", resourceId: resourceOf("payments", "v1").id },
    ]);
    const red = await get(getVersions, "/versions?range=5m", (body) => routeVersionRedSchema.parse(body));
    expect(Date.parse(red.to) - Date.parse(red.from)).toBe(300_000);
    expect(red.versions).toEqual([
      {
        version: "v1",
        requests: 5,
        ratePerSecond: 5 / 300,
        errorRate: 0.2,
        p50Ms: expect.closeTo(30, 6),
        p95Ms: expect.closeTo(48, 6),
        p99Ms: expect.closeTo(49.6, 6),
      },
      {
        version: "v2",
        requests: 2,
        ratePerSecond: 2 / 300,
        errorRate: 1,
        p50Ms: expect.closeTo(150, 6),
        p95Ms: expect.closeTo(195, 6),
        p99Ms: expect.closeTo(199, 6),
      },
    ]);
  });

  it("lists configured versions without requests with zeros", async () => {
    const red = await get(getVersions, "/versions?range=15m", (body) => routeVersionRedSchema.parse(body));
    expect(red.versions).toEqual([
      { version: "v1", requests: 0, ratePerSecond: 0, errorRate: 0, p50Ms: null, p95Ms: null, p99Ms: null },
      { version: "v2", requests: 0, ratePerSecond: 0, errorRate: 0, p50Ms: null, p95Ms: null, p99Ms: null },
    ]);
  });
});

describe("reading with BREAKWATER_VIEW_ACCESS=signed-in and machine tokens configured", () => {
  beforeAll(() => {
    process.env.BREAKWATER_VIEW_ACCESS = "signed-in";
    process.env.BREAKWATER_INGEST_TOKENS = "gateway-secret";
    resetEnvForTests();
  });
  afterAll(() => {
    delete process.env.BREAKWATER_VIEW_ACCESS;
    delete process.env.BREAKWATER_INGEST_TOKENS;
    resetEnvForTests();
  });

  const read = (
    handler: (request: Request, context: ReturnType<typeof routeContext>) => Promise<Response>,
    path: string,
    headers: Record<string, string> = {},
  ) => handler(new Request(`${BASE_URL}/api/v1/routes/orders${path}`, { headers }), routeContext("orders"));
  const ALL = [
    [getDetail, ""],
    [getHistory, "/history"],
    [getSplit, "/split?range=5m"],
    [getVersions, "/versions?range=5m"],
  ] as const;

  it("needs a session (a viewer's will do); the gateway's token reads the routes and their detail only; nothing is written", async () => {
    for (const [handler, path] of ALL) expect((await read(handler, path)).status, path).toBe(401);
    expect((await listRoutesRoute(new Request(`${BASE_URL}/api/v1/routes`))).status).toBe(401);

    const viewer = (await createTestSession({ username: "victor", role: "viewer" })).cookie;
    for (const [handler, path] of ALL) expect((await read(handler, path, { cookie: viewer })).status, path).toBe(200);
    expect((await listRoutesRoute(new Request(`${BASE_URL}/api/v1/routes`, { headers: { cookie: viewer } }))).status).toBe(200);

    const token = { authorization: "Bearer gateway-secret" };
    expect((await read(getDetail, "", token)).status).toBe(200);
    expect((await listRoutesRoute(new Request(`${BASE_URL}/api/v1/routes`, { headers: token }))).status).toBe(200);
    expect((await read(getHistory, "/history", token)).status).toBe(401);
    expect((await read(getDetail, "", { authorization: "Bearer wrong" })).status).toBe(401);

    const { rows } = await db.pool.query("SELECT version, (SELECT count(*)::int FROM route_changes) AS changes FROM routes");
    expect(rows).toEqual([{ version: 1, changes: 1 }]);
  });
});

// ——— spans through the real span writer ———

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
let spanCounter = 0;
const hex = (n: number, length: number) => n.toString(16).padStart(length, "0");

const resources = new Map<string, ResourceRecord>();

/** One resource per service and version (as one instance per version would have). */
function resourceOf(service: string, version: string): ResourceRecord {
  const id = String(
    8_000_000_000 + ([...`${service}/${version}`].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 7) % 1_000_000_000),
  );
  const resource = {
    id,
    serviceName: service,
    attributes: { "service.name": service, "service.version": version },
    droppedAttributesCount: 0,
  };
  resources.set(id, resource);
  return resource;
}

function span(spec: {
  service: string;
  version: string;
  kind: NormalizedSpan["kind"];
  startMs: number;
  durationMs: number;
  isError?: boolean;
  attributes?: Attributes;
}): NormalizedSpan {
  spanCounter++;
  return {
    traceId: hex(spanCounter, 32),
    spanId: hex(spanCounter, 16),
    name: "GET /orders",
    kind: spec.kind,
    startTimeUnixNano: BigInt(spec.startMs) * 1_000_000n,
    durationNs: BigInt(Math.round(spec.durationMs * 1_000_000)),
    serviceName: spec.service,
    resourceId: resourceOf(spec.service, spec.version).id,
    statusCode: spec.isError === true ? STATUS_CODE.ERROR : STATUS_CODE.OK,
    attributes: spec.attributes ?? {},
  };
}

/** A gateway attempt span to orders (as services-demo's upstream pool writes it). */
function gatewayClient(
  startMs: number,
  backendVersion: string,
  options: { route?: string; kind?: NormalizedSpan["kind"]; service?: string } = {},
): NormalizedSpan {
  return span({
    service: options.service ?? "gateway",
    version: "v1",
    kind: options.kind ?? SPAN_KIND.CLIENT,
    startMs,
    durationMs: 5,
    attributes: {
      "http.request.method": "GET",
      [RESILIENCE_ATTRIBUTES.route]: options.route ?? "orders",
      [RESILIENCE_ATTRIBUTES.backendVersion]: backendVersion,
      [RESILIENCE_ATTRIBUTES.backendInstance]: `orders-${backendVersion}-1`,
    },
  });
}

function ordersServer(
  startMs: number,
  version: string,
  durationMs: number,
  isError = false,
  kind: NormalizedSpan["kind"] = SPAN_KIND.SERVER,
) {
  return span({ service: "orders", version, kind, startMs, durationMs, isError });
}

/** Through the real span writer, one request per resource. */
async function ingest(spans: readonly NormalizedSpan[]): Promise<void> {
  const writer = new SpanWriter(db.pool, { connections: 1, batchMaxWaitMs: 1, edgePairing: false });
  writer.start();
  try {
    for (const resourceId of new Set(spans.map((s) => s.resourceId))) {
      const batch = spans.filter((s) => s.resourceId === resourceId);
      const resource = resources.get(resourceId)!;
      const result = await writer.submit({
        resources: [resource],
        scopes: [],
        spans: batch,
        rejectedSpans: 0,
        rejectionReasons: [],
      });
      expect(result.inserted).toBe(batch.length);
    }
  } finally {
    await writer.close();
  }
}
