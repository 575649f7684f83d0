/**
 * Traffic control end to end: the real Breakwater process (production build, its own schema,
 * operator credentials and a machine token from configuration) and the real demo shop (gateway,
 * orders v1 and v2, their upstreams and the load generator), as `npm start` runs them. An
 * operator signs in and moves the orders weights through the API; the gateway, watching
 * discovery, must apply each change within a second, route by it, and keep routing by it
 * while Breakwater is down.
 *
 * The split is counted twice, independently:
 *  - by this test's own requests through the gateway: each answer names the instance that
 *    served it (`x-breakwater-backend: <version>/<instance>`) and the route version the gateway
 *    chose it under (`x-breakwater-route-version`), so only answers of the version under test
 *    are counted;
 *  - by the gateway's own LB counters, as Breakwater stores them from its heartbeats and
 *    serves them (GET /api/v1/routes/orders, observed.lb.current: requests of the configured
 *    route version only, so the load generator's share is in there too).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@/lib/server/logger";
import { type BreakwaterProcess, startBreakwaterProcess } from "@/lib/test/breakwater-process";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { type RouteDetail, routeDetailSchema, updateRouteWeightsResponseSchema } from "@/lib/traffic/contract";
import { type DemoHandle, startDemo } from "./supervisor";
import { eventually } from "./test/eventually";
import { freeDemoPorts } from "./test/free-demo-ports";
import { stopDemoStack } from "./test/stop-demo-stack";

const OPERATOR = { username: "operator", password: "operator-integration-password" };
/** The demo's machine token: heartbeats, discovery, route declaration and OTLP. */
const MACHINE_TOKEN = "traffic-control-gateway-token";
const HEARTBEAT_INTERVAL_MS = 500;

let db: TestDatabase;
let breakwater: BreakwaterProcess;
let shop: DemoHandle;
let demoSchema: string;
/** "bw_session=…" of the signed-in operator. */
let operatorCookie: string;
/** An order placed at the start; reading it is this test's request through the gateway. */
let orderPath: string;

const breakwaterEnv = () => ({
  BREAKWATER_DEMO: "false",
  BREAKWATER_DEREGISTER_AFTER_S: "60",
  BREAKWATER_USERS: `${OPERATOR.username}:operator:${OPERATOR.password}`,
  BREAKWATER_INGEST_TOKENS: MACHINE_TOKEN,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Same-origin browser headers for a state-changing request to Breakwater. */
const sameOrigin = () => ({ origin: new URL(breakwater.webUrl).origin, "sec-fetch-site": "same-origin" });

/** POST /api/v1/auth/login as the configured operator; returns the session cookie. */
async function signIn(): Promise<string> {
  const response = await fetch(`${breakwater.webUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...sameOrigin() },
    body: JSON.stringify(OPERATOR),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0])
    .find((pair) => pair.startsWith("bw_session="));
  expect(cookie).toBeDefined();
  return cookie!;
}

async function getOrdersRoute(): Promise<RouteDetail> {
  const response = await fetch(`${breakwater.webUrl}/api/v1/routes/orders`, { signal: AbortSignal.timeout(5_000) });
  if (response.status !== 200) throw new Error(`GET /api/v1/routes/orders: HTTP ${response.status} ${await response.text()}`);
  return routeDetailSchema.parse(await response.json());
}

/** Sets the orders weights as the operator; returns the new route version and when the PUT answered. */
async function setOrdersWeights(v1: number, v2: number): Promise<{ version: number; savedAt: number }> {
  const current = await getOrdersRoute();
  const response = await fetch(`${breakwater.webUrl}/api/v1/routes/orders/weights`, {
    method: "PUT",
    headers: { "content-type": "application/json", cookie: operatorCookie, ...sameOrigin() },
    body: JSON.stringify({
      version: current.route.version,
      backends: [
        { version: "v1", weight: v1 },
        { version: "v2", weight: v2 },
      ],
      reason: `traffic-control integration test: ${v1}/${v2}`,
    }),
  });
  const savedAt = performance.now();
  expect(response.status, await response.clone().text()).toBe(200);
  const body = updateRouteWeightsResponseSchema.parse(await response.json());
  expect(body.route.version).toBe(current.route.version + 1);
  return { version: body.route.version, savedAt };
}

/**
 * Milliseconds from `savedAt` until Breakwater reports `version` applied by the gateway
 * (GET /api/v1/routes/orders: status applied at that version, from the gateway's heartbeat).
 */
async function msUntilApplied(version: number, savedAt: number, timeoutMs: number): Promise<number> {
  await eventually(
    `orders version ${version} applied by the gateway`,
    async () => {
      const { status } = await getOrdersRoute();
      return status.state === "applied" && status.version === version ? status : undefined;
    },
    timeoutMs,
    20,
  );
  return performance.now() - savedAt;
}

type DriveResult = {
  statuses: Record<number, number>;
  /** Answers per backend version, for each route version the gateway reported. */
  byRouteVersion: Map<number, Record<string, number>>;
};

/** `count` reads of the test's order through the gateway, `concurrency` at a time. */
async function drive(count: number, concurrency = 16): Promise<DriveResult> {
  const result: DriveResult = { statuses: {}, byRouteVersion: new Map() };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const response = await fetch(`${shop.gatewayUrl}${orderPath}`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      result.statuses[response.status] = (result.statuses[response.status] ?? 0) + 1;
      const backend = response.headers.get("x-breakwater-backend");
      const routeVersion = response.headers.get("x-breakwater-route-version");
      if (backend === null || routeVersion === null) continue;
      const version = backend.split("/")[0];
      const counts = result.byRouteVersion.get(Number(routeVersion)) ?? {};
      counts[version] = (counts[version] ?? 0) + 1;
      result.byRouteVersion.set(Number(routeVersion), counts);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return result;
}

/** The gateway's LB counters for the configured version once they cover at least `atLeast` requests. */
async function lbCountsOfCurrentVersion(version: number, atLeast: number) {
  return eventually(
    `LB counters of version ${version} covering ${atLeast} requests`,
    async () => {
      const detail = await getOrdersRoute();
      if (detail.route.version !== version) throw new Error(`route is at version ${detail.route.version}, not ${version}`);
      const { current } = detail.observed.lb;
      if (current.total < atLeast) return undefined;
      return Object.fromEntries(current.backends.map((backend) => [backend.version, backend.requests]));
    },
    15_000,
  );
}

type GatewayConfig = {
  applied: { version: string | null; configAgeMs: number };
  routes: { id: string; version: number; backends: { version: string; weight: number }[] }[];
};

async function gatewayConfig(): Promise<GatewayConfig> {
  return (await (await fetch(`${shop.gatewayUrl}/admin/config`)).json()) as GatewayConfig;
}

const ordersWeights = (config: GatewayConfig) =>
  Object.fromEntries((config.routes.find((route) => route.id === "orders")?.backends ?? []).map((b) => [b.version, b.weight]));

beforeAll(async () => {
  db = await createTestDatabase();
  demoSchema = `${db.schema}_shop`;
  breakwater = await startBreakwaterProcess({ databaseUrl: db.url, env: breakwaterEnv() });
  const ports = await freeDemoPorts();
  shop = await startDemo({
    breakwaterUrl: breakwater.webUrl,
    otlpEndpoint: breakwater.otlpHttpUrl,
    token: MACHINE_TOKEN,
    databaseUrl: db.url,
    dbSchema: demoSchema,
    ports,
    // The load generator runs as in `npm start`; the split is measured on this test's own requests.
    loadRate: 10,
    rateLimit: { ratePerSec: 10_000, burst: 10_000 },
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    heartbeatTtlMs: 2_000,
    logLevel: "warn",
    log: createLogger({ level: "warn", name: "traffic-control-test" }),
    output: () => {},
  });

  // The gateway has declared orders and applied Breakwater's version of it, with both versions' instances.
  await eventually(
    "orders declared and applied, orders v1 and v2 known to the gateway",
    async () => {
      const detail = await getOrdersRoute();
      const config = (await (await fetch(`${shop.gatewayUrl}/admin/config`)).json()) as {
        instances: { instanceId: string }[];
      };
      const known = config.instances.map((instance) => instance.instanceId);
      return detail.status.state === "applied" && known.includes("orders-v1-1") && known.includes("orders-v2-1")
        ? detail
        : undefined;
    },
    60_000,
  );

  // One order to read back; v1 and v2 share its store (PostgreSQL), so either can serve it.
  const order = await eventually("an order placed through the gateway", async () => {
    const response = await fetch(`${shop.gatewayUrl}/api/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ items: [{ sku: "bw-rope", quantity: 1 }] }),
    });
    // A declined card (402) is part of the demo: try again.
    return response.status === 201 ? ((await response.json()) as { order: { id: string } }).order : undefined;
  });
  orderPath = `/api/orders/${order.id}`;

  operatorCookie = await signIn();
}, 600_000);

afterAll(() => stopDemoStack({ shop, breakwater, db, demoSchema }), 60_000);

describe("traffic control with the real gateway and load generator", () => {
  it("refuses a weight change made with the gateway's machine token (401), while the token reads discovery", async () => {
    const current = await getOrdersRoute();
    const put = await fetch(`${breakwater.webUrl}/api/v1/routes/orders/weights`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${MACHINE_TOKEN}`, ...sameOrigin() },
      body: JSON.stringify({
        version: current.route.version,
        backends: [
          { version: "v1", weight: 0 },
          { version: "v2", weight: 100 },
        ],
      }),
    });
    expect(put.status).toBe(401);
    expect(put.headers.get("content-type")).toContain("application/problem+json");
    expect((await getOrdersRoute()).route).toEqual(current.route);

    const discovery = await fetch(`${breakwater.webUrl}/api/v1/discovery?service=orders`, {
      headers: { authorization: `Bearer ${MACHINE_TOKEN}` },
    });
    expect(discovery.status).toBe(200);
    const withoutToken = await fetch(`${breakwater.webUrl}/api/v1/discovery?service=orders`);
    expect(withoutToken.status).toBe(401);
  }, 30_000);

  it("applies 80/20 within 1 s and splits the next 2,000 requests 80/20 ± 3 %", async () => {
    const { version, savedAt } = await setOrdersWeights(80, 20);
    const appliedMs = await msUntilApplied(version, savedAt, 5_000);
    console.info(`80/20 (version ${version}): applied by the gateway ${Math.round(appliedMs)} ms after the PUT answered`);
    expect(appliedMs).toBeLessThan(1_000);
    expect(ordersWeights(await gatewayConfig())).toEqual({ v1: 80, v2: 20 });

    const driven = await drive(2_000);
    expect(driven.statuses).toEqual({ 200: 2_000 });
    // Every request after "applied" was routed by the new version.
    expect([...driven.byRouteVersion.keys()]).toEqual([version]);
    const counts = driven.byRouteVersion.get(version)!;
    const total = (counts.v1 ?? 0) + (counts.v2 ?? 0);
    expect(total).toBe(2_000);
    console.info(`80/20 by answer headers: v1 ${counts.v1}, v2 ${counts.v2}`);
    expect((counts.v1 ?? 0) / total).toBeGreaterThanOrEqual(0.77);
    expect((counts.v1 ?? 0) / total).toBeLessThanOrEqual(0.83);

    // The gateway's own counters, through Breakwater: every request of this version, the load
    // generator's included.
    const lb = await lbCountsOfCurrentVersion(version, 2_000);
    const lbTotal = (lb.v1 ?? 0) + (lb.v2 ?? 0);
    console.info(`80/20 by the gateway's LB counters: v1 ${lb.v1}, v2 ${lb.v2}`);
    expect(lbTotal).toBeGreaterThanOrEqual(2_000);
    expect((lb.v1 ?? 0) / lbTotal).toBeGreaterThanOrEqual(0.77);
    expect((lb.v1 ?? 0) / lbTotal).toBeLessThanOrEqual(0.83);
  }, 120_000);

  it("sends v1 nothing at 0/100", async () => {
    const { version, savedAt } = await setOrdersWeights(0, 100);
    const appliedMs = await msUntilApplied(version, savedAt, 5_000);
    console.info(`0/100 (version ${version}): applied ${Math.round(appliedMs)} ms after the PUT answered`);
    expect(appliedMs).toBeLessThan(1_000);

    const driven = await drive(300);
    expect(driven.statuses).toEqual({ 200: 300 });
    expect(Object.fromEntries(driven.byRouteVersion)).toEqual({ [version]: { v2: 300 } });
    const lb = await lbCountsOfCurrentVersion(version, 300);
    expect(lb.v1 ?? 0).toBe(0);
    expect(lb.v2).toBeGreaterThanOrEqual(300);
  }, 60_000);

  it("keeps 0/100 and keeps serving while Breakwater is down, and resumes the watch when it is back", async () => {
    await breakwater.stop();
    // The config in use once Breakwater is gone (read after the stop: instance health, and so
    // the discovery version, may change up to the last moment).
    const before = await gatewayConfig();
    const zeroHundredVersion = before.routes.find((route) => route.id === "orders")!.version;
    await sleep(2_000);

    const during = await gatewayConfig();
    expect(ordersWeights(during)).toEqual({ v1: 0, v2: 100 });
    expect(during.applied.version).toBe(before.applied.version);
    expect(during.applied.configAgeMs).toBeGreaterThanOrEqual(1_500);
    const driven = await drive(300);
    expect(driven.statuses).toEqual({ 200: 300 });
    expect(Object.fromEntries(driven.byRouteVersion)).toEqual({ [zeroHundredVersion]: { v2: 300 } });

    // Back on the same ports and database.
    breakwater = await startBreakwaterProcess({ databaseUrl: db.url, ports: breakwater.ports, env: breakwaterEnv() });
    const restartedAt = performance.now();
    // The session lives in the database: it outlasts the restart.
    const { version, savedAt } = await setOrdersWeights(50, 50);
    const appliedMs = await msUntilApplied(version, savedAt, 10_000);
    console.info(
      `50/50 after the restart (version ${version}): saved ${Math.round(savedAt - restartedAt)} ms after Breakwater answered, ` +
        `applied ${Math.round(appliedMs)} ms after the PUT answered`,
    );
    expect(appliedMs).toBeLessThan(3_000);
    expect(ordersWeights(await gatewayConfig())).toEqual({ v1: 50, v2: 50 });

    const after = await drive(400);
    expect(after.statuses).toEqual({ 200: 400 });
    const counts = after.byRouteVersion.get(version)!;
    expect(counts.v1).toBeGreaterThanOrEqual(180);
    expect(counts.v2).toBeGreaterThanOrEqual(180);
    await eventually("the gateway in contact again", async () => {
      const config = await gatewayConfig();
      return config.applied.configAgeMs < 1_000 ? config : undefined;
    });
  }, 120_000);
});
