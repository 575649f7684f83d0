import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getDiscoveryRoute } from "@/app/api/v1/discovery/route";
import { POST as postHeartbeat } from "@/app/api/v1/heartbeats/route";
import { POST as postRoute } from "@/app/api/v1/routes/route";
import { resetEnvForTests } from "@/lib/env";
import type { DiscoveryResponse } from "./contract";
import { sweepRegistry } from "./sweep-registry";
import { jsonRequest, makeHeartbeat, problemDetail, setUpControlTestDatabase } from "./test-fixtures";

const BASE = "http://breakwater.test/api/v1";

const db = setUpControlTestDatabase();

async function beat(overrides: Record<string, unknown>, headers?: Record<string, string>): Promise<void> {
  const response = await postHeartbeat(jsonRequest(`${BASE}/heartbeats`, makeHeartbeat(overrides), { headers }));
  expect(response.status, await response.clone().text()).toBe(200);
  expect(((await response.json()) as { accepted: boolean }).accepted).toBe(true);
}

function discover(query: string, init: { signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<Response> {
  return getDiscoveryRoute(new Request(`${BASE}/discovery?${query}`, init));
}

async function discoverOk(query: string): Promise<DiscoveryResponse> {
  const response = await discover(query);
  expect(response.status, await response.clone().text()).toBe(200);
  const body = (await response.json()) as DiscoveryResponse;
  expect(response.headers.get("etag")).toBe(`"${body.version}"`);
  return body;
}

describe("GET /api/v1/discovery", () => {
  it.each([
    ["", "parameter 'service' is required"],
    ["service=orders&waitMs=40000", "waitMs"],
    ["service=orders&waitMs=soon", "waitMs"],
    ["service=no%20spaces", "service"],
    [Array.from({ length: 51 }, (_, i) => `service=s${i}`).join("&"), "at most 50 services"],
  ])("?%s → 400 naming the parameter", async (query, expected) => {
    const response = await discover(query);
    expect(response.status).toBe(400);
    expect(await problemDetail(response)).toContain(expected);
  });

  it("lists healthy and degraded instances of the named services and their routes", async () => {
    await beat({ instanceId: "orders-1", service: "orders", version: "v1" });
    await beat({
      instanceId: "orders-2",
      service: "orders",
      version: "v2",
      status: "degraded",
      address: "http://127.0.0.1:8102",
    });
    await beat({ instanceId: "orders-3", service: "orders", status: "unhealthy" });
    await beat({ instanceId: "catalog-1", service: "catalog" });
    await beat({ instanceId: "payments-1", service: "payments" });
    const declared = await postRoute(
      jsonRequest(`${BASE}/routes`, {
        id: "orders",
        service: "orders",
        backends: [
          { version: "v1", weight: 100 },
          { version: "v2", weight: 0 },
        ],
      }),
    );
    expect(declared.status).toBe(201);

    const body = await discoverOk("service=orders&service=catalog");
    expect(body.instances).toEqual([
      { instanceId: "catalog-1", service: "catalog", version: "v1", address: "http://127.0.0.1:8101", status: "healthy" },
      { instanceId: "orders-1", service: "orders", version: "v1", address: "http://127.0.0.1:8101", status: "healthy" },
      { instanceId: "orders-2", service: "orders", version: "v2", address: "http://127.0.0.1:8102", status: "degraded" },
    ]);
    expect(body.routes).toEqual([
      {
        id: "orders",
        service: "orders",
        version: 1,
        backends: [
          { version: "v1", weight: 100 },
          { version: "v2", weight: 0 },
        ],
      },
    ]);
    expect(body.version).toMatch(/^[0-9a-f]{32}$/);
  });

  it("keeps the version for equal content and changes it when discovery content changes", async () => {
    await beat({ instanceId: "orders-1", service: "orders" });
    const first = await discoverOk("service=orders");
    // Nothing discovery shows changed: checks and a newer beat are not part of it.
    await beat({ instanceId: "orders-1", service: "orders", checks: [{ name: "db", status: "warn" }] });
    expect((await discoverOk("service=orders")).version).toBe(first.version);
    // The order of the services asked for does not matter.
    await beat({ instanceId: "catalog-1", service: "catalog" });
    expect((await discoverOk("service=orders&service=catalog")).version).toBe(
      (await discoverOk("service=catalog&service=orders")).version,
    );
    // An instance expiring (TTL) leaves discovery.
    await sweepRegistry(db.pool, { deregisterAfterS: 60, now: new Date(Date.now() + 60_000 - 1) });
    const expired = await discoverOk("service=orders");
    expect(expired.instances).toEqual([]);
    expect(expired.version).not.toBe(first.version);
  });

  it("answers 304 with the ETag after waitMs when nothing changes", async () => {
    await beat({ instanceId: "orders-1", service: "orders" });
    const { version } = await discoverOk("service=orders");
    const started = Date.now();
    const response = await discover(`service=orders&since=${version}&waitMs=300`);
    expect(response.status).toBe(304);
    expect(response.headers.get("etag")).toBe(`"${version}"`);
    expect(await response.text()).toBe("");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // If-None-Match works as `since` does.
    const conditional = await discover("service=orders&waitMs=0", { headers: { "if-none-match": `"${version}"` } });
    expect(conditional.status).toBe(304);
    // A `since` that is not current is answered at once.
    expect((await discover("service=orders&since=old&waitMs=20000")).status).toBe(200);
  });

  it("answers a held poll within a second of the heartbeat that registers a new instance", async () => {
    await beat({ instanceId: "orders-1", service: "orders" });
    const { version } = await discoverOk("service=orders");
    const poll = discover(`service=orders&since=${version}&waitMs=20000`);
    // The poll is now waiting; a change of another service does not end it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await beat({ instanceId: "catalog-1", service: "catalog" });
    await new Promise((resolve) => setTimeout(resolve, 300));

    await beat({ instanceId: "orders-2", service: "orders", address: "http://127.0.0.1:8102" });
    const registeredAt = Date.now();
    const response = await poll;
    expect(Date.now() - registeredAt).toBeLessThan(1_000);
    expect(response.status).toBe(200);
    const body = (await response.json()) as DiscoveryResponse;
    expect(body.instances.map((instance) => instance.instanceId)).toEqual(["orders-1", "orders-2"]);
    expect(body.version).not.toBe(version);
  });

  it("answers a held poll when a route of the service is declared", async () => {
    const { version } = await discoverOk("service=orders");
    const poll = discover(`service=orders&since=${version}&waitMs=20000`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await postRoute(
      jsonRequest(`${BASE}/routes`, { id: "orders", service: "orders", backends: [{ version: "v1", weight: 100 }] }),
    );
    const declaredAt = Date.now();
    const response = await poll;
    expect(Date.now() - declaredAt).toBeLessThan(1_000);
    expect(((await response.json()) as DiscoveryResponse).routes.map((route) => route.id)).toEqual(["orders"]);
  });

  it("stops waiting when the client goes away", async () => {
    const { version } = await discoverOk("service=orders");
    const controller = new AbortController();
    const started = Date.now();
    const poll = discover(`service=orders&since=${version}&waitMs=20000`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const response = await poll;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(response.status).toBe(304);
  });

  describe("with machine tokens configured", () => {
    beforeAll(() => {
      process.env.BREAKWATER_INGEST_TOKENS = "s3cret";
      resetEnvForTests();
    });
    afterAll(() => {
      delete process.env.BREAKWATER_INGEST_TOKENS;
      resetEnvForTests();
    });

    it("requires one", async () => {
      const missing = await discover("service=orders");
      expect(missing.status).toBe(401);
      expect(missing.headers.get("www-authenticate")).toContain("Bearer");
      expect((await discover("service=orders", { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      expect((await discover("service=orders", { headers: { authorization: "Bearer s3cret" } })).status).toBe(200);
    });
  });
});
