import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postHeartbeat } from "@/app/api/v1/heartbeats/route";
import { GET as listRoutesRoute, POST as postRoute } from "@/app/api/v1/routes/route";
import { resetEnvForTests } from "@/lib/env";
import { routeListSchema } from "@/lib/traffic/contract";
import { countControlRows, jsonRequest, makeHeartbeat, problemDetail, setUpControlTestDatabase } from "./test-fixtures";

const URL_ = "http://breakwater.test/api/v1/routes";

const db = setUpControlTestDatabase();

const declaration = (backends: unknown, extra: Record<string, unknown> = {}) => ({
  id: "orders",
  service: "orders",
  backends,
  ...extra,
});

const declare = (body: unknown, headers?: Record<string, string>) => postRoute(jsonRequest(URL_, body, { headers }));

describe("POST /api/v1/routes", () => {
  it("creates a route once, with one audit row; later declarations get it unchanged", async () => {
    const first = await declare(
      declaration(
        [
          { version: "v1", weight: 90 },
          { version: "v2", weight: 10 },
        ],
        { instanceId: "gateway-1" },
      ),
      { "x-forwarded-for": "10.1.2.3, 127.0.0.1" },
    );
    expect(first.status).toBe(201);
    const created = (await first.json()) as { created: boolean; route: Record<string, unknown> };
    expect(created).toMatchObject({
      created: true,
      route: {
        id: "orders",
        service: "orders",
        version: 1,
        backends: [
          { version: "v1", weight: 90 },
          { version: "v2", weight: 10 },
        ],
        updatedBy: "gateway:gateway-1",
      },
    });

    const again = await declare(declaration([{ version: "v1", weight: 100 }], { instanceId: "gateway-2" }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ created: false, route: created.route });

    const { rows } = await db.pool.query(
      "SELECT route_id, route_version, old_backends, new_backends, actor, source, reason FROM route_changes",
    );
    expect(rows).toEqual([
      {
        route_id: "orders",
        route_version: 1,
        old_backends: null,
        new_backends: [
          { version: "v1", weight: 90 },
          { version: "v2", weight: 10 },
        ],
        actor: "gateway:gateway-1",
        source: "10.1.2.3",
        reason: "declared by gateway",
      },
    ]);
  });

  it.each([
    {
      name: "a negative weight",
      backends: [
        { version: "v1", weight: -10 },
        { version: "v2", weight: 110 },
      ],
      field: "backends.0.weight",
    },
    {
      name: "a fractional weight",
      backends: [
        { version: "v1", weight: 0.5 },
        { version: "v2", weight: 99.5 },
      ],
      field: "backends.0.weight",
    },
    {
      name: 'a weight of "10"',
      backends: [
        { version: "v1", weight: "10" },
        { version: "v2", weight: 90 },
      ],
      field: "backends.0.weight",
    },
    // JSON has no NaN: JSON.stringify sends null.
    {
      name: "a NaN weight",
      backends: [
        { version: "v1", weight: Number.NaN },
        { version: "v2", weight: 90 },
      ],
      field: "backends.0.weight",
    },
    {
      name: "weights summing to 90",
      backends: [
        { version: "v1", weight: 60 },
        { version: "v2", weight: 30 },
      ],
      field: "backends: weights must sum to 100",
    },
    { name: "all weights zero", backends: [{ version: "v1", weight: 0 }], field: "backends: at least one weight" },
    {
      name: "a duplicate version",
      backends: [
        { version: "v1", weight: 50 },
        { version: "v1", weight: 50 },
      ],
      field: "backends.1.version",
    },
    { name: "an empty list", backends: [], field: "backends" },
  ])("refuses $name with 400 naming the field, storing nothing", async ({ backends, field }) => {
    const response = await declare(declaration(backends));
    expect(response.status).toBe(400);
    expect(await problemDetail(response)).toContain(field);
    expect(await countControlRows(db.pool)).toMatchObject({ routes: 0, route_changes: 0 });
  });

  it("refuses a bad id or service, naming it", async () => {
    const response = await declare({ id: "has space", service: "orders", backends: [{ version: "v1", weight: 100 }] });
    expect(response.status).toBe(400);
    expect(await problemDetail(response)).toContain("id:");
    const missing = await declare({ id: "orders", backends: [{ version: "v1", weight: 100 }] });
    expect(await problemDetail(missing)).toContain("service: is required");
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

    it("requires one, and names the token (not its value) as the actor when no instanceId is given", async () => {
      expect((await declare(declaration([{ version: "v1", weight: 100 }]))).status).toBe(401);
      const response = await declare(declaration([{ version: "v1", weight: 100 }]), { authorization: "Bearer s3cret" });
      expect(response.status).toBe(201);
      const { rows } = await db.pool.query<{ actor: string }>("SELECT actor FROM route_changes");
      expect(rows[0].actor).toMatch(/^gateway:token:[0-9a-f]{8}$/);
      expect(rows[0].actor).not.toContain("s3cret");
    });
  });
});

describe("GET /api/v1/routes", () => {
  it("lists routes with the version each gateway applied", async () => {
    await declare(declaration([{ version: "v1", weight: 100 }]));
    await declare({ id: "catalog", service: "catalog", backends: [{ version: "v1", weight: 100 }] });
    const appliedAt = new Date(Date.now() - 1000).toISOString();
    const response = await postHeartbeat(
      jsonRequest(
        "http://breakwater.test/api/v1/heartbeats",
        makeHeartbeat({
          instanceId: "gateway-1",
          service: "gateway",
          appliedConfig: { version: "abc", appliedAt, routes: [{ id: "orders", version: 1 }], configAgeMs: 0 },
        }),
      ),
    );
    expect(response.status).toBe(200);

    const list = await listRoutesRoute(new Request(URL_));
    const { routes } = routeListSchema.parse(await list.json());
    expect(routes.map((route) => route.id)).toEqual(["catalog", "orders"]);
    expect(routes[1].gateways).toEqual([
      { gatewayInstanceId: "gateway-1", appliedVersion: 1, appliedAt, status: "healthy", lastHeartbeatAt: expect.any(String) },
    ]);
    expect(routes[1].status).toEqual({ state: "applied", version: 1, appliedAt });
    expect(routes[0].gateways).toEqual([]);
    expect(routes[0].status).toEqual({ state: "no_gateway", version: 1 });

    const filtered = await listRoutesRoute(new Request(`${URL_}?service=catalog`));
    expect(routeListSchema.parse(await filtered.json()).routes.map((route) => route.id)).toEqual(["catalog"]);
  });
});
