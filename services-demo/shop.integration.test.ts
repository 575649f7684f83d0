/**
 * The demo shop against a real Breakwater: Breakwater runs as its own process (production
 * build, its own PostgreSQL schema), the shop as the supervisor starts it for `npm start`
 * (every instance its own process with the OTel Node SDK, heartbeats, discovery), with the load
 * generator driving traffic through the gateway. Everything below is observed through
 * Breakwater's database and API, as a user of the dashboard would see it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@/lib/server/logger";
import { type BreakwaterProcess, startBreakwaterProcess } from "@/lib/test/breakwater-process";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { type DemoHandle, startDemo } from "./supervisor";
import { eventually } from "./test/eventually";
import { freeDemoPorts } from "./test/free-demo-ports";
import { stopDemoStack } from "./test/stop-demo-stack";

const SERVICES = ["catalog", "gateway", "inventory", "loadgen", "orders", "payments"];
const TTL_MS = 2_000;
/** Fault injection through Breakwater needs an operator session. */
const OPERATOR = { username: "operator", password: "shop-integration-password" };
const BREAKWATER_ENV = {
  BREAKWATER_DEMO: "false",
  BREAKWATER_DEREGISTER_AFTER_S: "60",
  BREAKWATER_USERS: `${OPERATOR.username}:operator:${OPERATOR.password}`,
};

let db: TestDatabase;
let breakwater: BreakwaterProcess;
let shop: DemoHandle;
let demoSchema: string;

/** Signs in as the operator (POST /api/v1/auth/login); the headers of a same-origin request with its session. */
async function operatorHeaders(): Promise<Record<string, string>> {
  const sameOrigin = { origin: new URL(breakwater.webUrl).origin, "sec-fetch-site": "same-origin" };
  const login = await fetch(`${breakwater.webUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...sameOrigin },
    body: JSON.stringify(OPERATOR),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((header) => header.split(";")[0])
    .find((pair) => pair.startsWith("bw_session="));
  return { ...sameOrigin, cookie: cookie ?? "" };
}

async function breakerTransitions(targetInstanceId: string, since: Date) {
  const { rows } = await db.pool.query<{ owner_instance_id: string; from_state: string; to_state: string; at: Date }>(
    `SELECT owner_instance_id, from_state, to_state, at FROM breaker_transitions
      WHERE target_instance_id = $1 AND at >= $2 ORDER BY at, id`,
    [targetInstanceId, since],
  );
  return rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
  demoSchema = `${db.schema}_shop`;
  breakwater = await startBreakwaterProcess({
    databaseUrl: db.url,
    env: BREAKWATER_ENV,
  });
  const ports = await freeDemoPorts();
  shop = await startDemo({
    breakwaterUrl: breakwater.webUrl,
    otlpEndpoint: breakwater.otlpHttpUrl,
    databaseUrl: db.url,
    dbSchema: demoSchema,
    ports,
    // Enough order traffic that each orders instance calls each payments instance several
    // times per breaker window.
    loadRate: 40,
    rateLimit: { ratePerSec: 1_000, burst: 1_000 },
    heartbeatIntervalMs: 500,
    heartbeatTtlMs: TTL_MS,
    logLevel: "warn",
    log: createLogger({ level: "warn", name: "shop-test" }),
    output: () => {},
  });
}, 180_000);

afterAll(() => stopDemoStack({ shop, breakwater, db, demoSchema }), 60_000);

describe("the demo shop reporting to Breakwater", () => {
  it("sends traces from every service, with gateway → orders → payments parentage", async () => {
    await eventually("spans from every demo service", async () => {
      const { rows } = await db.pool.query<{ service_name: string }>("SELECT DISTINCT service_name FROM spans");
      const seen = rows.map((row) => row.service_name);
      return SERVICES.every((service) => seen.includes(service)) ? seen : undefined;
    });

    // A payments SERVER span whose ancestors include an orders span and, above it, a gateway span.
    const chain = await eventually("a trace with gateway → orders → payments", async () => {
      const { rows } = await db.pool.query<{ trace_id: string }>(
        `SELECT DISTINCT trace_id FROM spans WHERE service_name = 'payments' AND kind = 2 LIMIT 20`,
      );
      for (const { trace_id } of rows) {
        const spans = await db.pool.query<{ span_id: Buffer; parent_span_id: Buffer | null; service_name: string; kind: number }>(
          "SELECT span_id, parent_span_id, service_name, kind FROM spans WHERE trace_id = $1",
          [trace_id],
        );
        const byId = new Map(spans.rows.map((span) => [span.span_id.toString("hex"), span]));
        for (const span of spans.rows) {
          if (span.service_name !== "payments" || span.kind !== 2) continue;
          const services: string[] = [];
          let current: (typeof spans.rows)[number] | undefined = span;
          while (current) {
            if (services.at(-1) !== current.service_name) services.push(current.service_name);
            current = current.parent_span_id ? byId.get(current.parent_span_id.toString("hex")) : undefined;
          }
          const orders = services.indexOf("orders");
          const gateway = services.indexOf("gateway");
          if (orders > 0 && gateway > orders) return services.reverse();
        }
      }
      return undefined;
    });
    expect(chain.slice(chain.indexOf("gateway"))).toEqual(["gateway", "orders", "payments"]);

    // The resilience facts are on the gateway's CLIENT spans, readable through the Jaeger API.
    const { rows: clientSpans } = await db.pool.query<{ trace_id: string }>(
      `SELECT trace_id FROM spans WHERE service_name = 'gateway' AND kind = 3 AND name LIKE 'POST%' LIMIT 1`,
    );
    expect(clientSpans).toHaveLength(1);
    const response = await fetch(`${breakwater.webUrl}/api/traces/${clientSpans[0].trace_id.replaceAll("-", "")}`);
    const trace = (await response.json()) as {
      data: { spans: { operationName: string; tags: { key: string; value: unknown }[]; processID: string }[] }[];
    };
    const gatewayClient = trace.data[0].spans.find(
      (span) =>
        span.tags.some((tag) => tag.key === "span.kind" && tag.value === "client") &&
        span.tags.some((tag) => tag.key === "breakwater.route"),
    );
    const tags = Object.fromEntries(gatewayClient!.tags.map((tag) => [tag.key, tag.value]));
    expect(tags["breakwater.route"]).toBe("orders");
    expect(["v1", "v2"]).toContain(tags["breakwater.backend.version"]);
    expect(String(tags["breakwater.backend.instance"])).toMatch(/^orders-v[12]-1$/);
    expect(tags["breakwater.retry.attempt"]).toBeTypeOf("number");
    expect(tags["breakwater.breaker.state"]).toBe("closed");
  }, 90_000);

  it("registers every instance from its heartbeats, with versions and the gateway's applied config", async () => {
    const expected = shop.instances.filter((instance) => instance.address !== undefined).map((instance) => instance.instanceId);
    const instances = await eventually("every instance healthy in the registry", async () => {
      const response = await fetch(`${breakwater.webUrl}/api/v1/instances`);
      const body = (await response.json()) as {
        instances: { instanceId: string; service: string; version: string; status: string }[];
      };
      const healthy = body.instances.filter((instance) => instance.status === "healthy").map((instance) => instance.instanceId);
      return expected.every((id) => healthy.includes(id)) ? body.instances : undefined;
    });
    expect(instances.find((instance) => instance.instanceId === "orders-v2-1")).toMatchObject({
      service: "orders",
      version: "v2",
    });

    const { rows } = await db.pool.query<{ route_id: string; version: number }>(
      "SELECT route_id, version FROM route_applied WHERE gateway_instance_id = 'gateway-1' ORDER BY route_id",
    );
    expect(rows.map((row) => row.route_id)).toEqual(["catalog", "orders"]);
  }, 60_000);

  it("opens a breaker on a failing payments instance, and closes it through half-open after the fault is reset", async () => {
    const since = new Date(Date.now() - 1_000);
    const operator = await operatorHeaders();
    const inject = await fetch(`${breakwater.webUrl}/api/v1/instances/payments-1/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...operator },
      body: JSON.stringify({ errorRate: 1 }),
    });
    expect(inject.status).toBe(200);

    // Within the breaker window (10 s) plus heartbeat delivery.
    const opened = await eventually(
      "an open transition for payments-1 recorded by Breakwater",
      async () => {
        const rows = await breakerTransitions("payments-1", since);
        return rows.find((row) => row.to_state === "open");
      },
      20_000,
    );
    expect(opened.from_state).toBe("closed");
    const { rows: current } = await db.pool.query<{ state: string }>(
      "SELECT state FROM breakers WHERE owner_instance_id = $1 AND target_instance_id = 'payments-1'",
      [opened.owner_instance_id],
    );
    expect(["open", "half_open"]).toContain(current[0]?.state);

    const reset = await fetch(`${breakwater.webUrl}/api/v1/instances/payments-1/faults`, {
      method: "DELETE",
      headers: operator,
    });
    expect(reset.status).toBe(200);
    const resetAt = new Date();

    // open → (open wait 5 s) half_open → probes succeed → closed.
    const closed = await eventually(
      "half_open then closed for the same breaker",
      async () => {
        const rows = (await breakerTransitions("payments-1", since)).filter(
          (row) => row.owner_instance_id === opened.owner_instance_id,
        );
        const closedRow = rows.find((row) => row.to_state === "closed" && row.at >= resetAt);
        return closedRow ? rows : undefined;
      },
      30_000,
    );
    const states = closed.map((row) => row.to_state);
    const lastClosed = states.lastIndexOf("closed");
    expect(states[lastClosed - 1]).toBe("half_open");
    expect(closed[lastClosed]?.from_state).toBe("half_open");
  }, 90_000);

  it("marks a killed instance unhealthy after its TTL", async () => {
    // Killed, as in a crash: no goodbye heartbeat, so only the TTL can tell.
    await shop.stopInstance("payments-2", { signal: "SIGKILL" });
    const stoppedAt = Date.now();
    const change = await eventually(
      "payments-2 unhealthy",
      async () => {
        const { rows } = await db.pool.query<{ to_status: string; reason: string; at: Date }>(
          `SELECT to_status, reason, at FROM instance_status_changes
            WHERE instance_id = 'payments-2' AND to_status = 'unhealthy' AND at >= $1`,
          [new Date(stoppedAt - 1_000)],
        );
        return rows[0];
      },
      15_000,
    );
    expect(change.reason).toMatch(/no heartbeat/);
    // Not before its TTL has passed since the last beat (the beat may be up to one interval old).
    expect(change.at.getTime()).toBeGreaterThanOrEqual(stoppedAt + TTL_MS - 600);

    // Discovery no longer offers it, so the shop keeps serving from payments-1.
    const discovery = await fetch(`${breakwater.webUrl}/api/v1/discovery?service=payments`);
    const body = (await discovery.json()) as { instances: { instanceId: string }[] };
    expect(body.instances.map((instance) => instance.instanceId)).toEqual(["payments-1"]);

    await shop.startInstance("payments-2");
  }, 60_000);

  it("keeps the gateway serving with its last weights while Breakwater is down", async () => {
    await breakwater.stop();
    // The config in use once Breakwater is gone (taken after the stop: instance health, and so
    // the discovery version, may change up to the last moment).
    const before = (await (await fetch(`${shop.gatewayUrl}/admin/config`)).json()) as {
      applied: { version: string | null; configAgeMs: number };
      routes: unknown;
    };
    expect(before.applied.version).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const during = (await (await fetch(`${shop.gatewayUrl}/admin/config`)).json()) as {
      applied: { version: string | null; configAgeMs: number };
      routes: unknown;
    };
    expect(during.applied.version).toBe(before.applied.version);
    expect(during.routes).toEqual(before.routes);
    expect(during.applied.configAgeMs).toBeGreaterThanOrEqual(2_500);

    for (let i = 0; i < 10; i++) {
      const response = await fetch(`${shop.gatewayUrl}/api/catalog/products`);
      expect(response.status).toBe(200);
    }

    // Breakwater back on the same ports: the watch resumes and the age falls back.
    breakwater = await startBreakwaterProcess({
      databaseUrl: db.url,
      ports: breakwater.ports,
      env: BREAKWATER_ENV,
    });
    await eventually("the gateway in contact again", async () => {
      const config = (await (await fetch(`${shop.gatewayUrl}/admin/config`)).json()) as { applied: { configAgeMs: number } };
      return config.applied.configAgeMs < 2_000 ? config : undefined;
    });
  }, 120_000);
});
