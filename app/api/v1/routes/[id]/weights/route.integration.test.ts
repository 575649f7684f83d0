import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as getDiscovery } from "@/app/api/v1/discovery/route";
import { discoveryResponseSchema } from "@/lib/control/contract";
import { startDiscoveryChanges } from "@/lib/control/discovery-changes";
import { jsonRequest, setUpControlTestDatabase } from "@/lib/control/test-fixtures";
import { createTestSession } from "@/lib/test/auth";
import { routeSchema, updateRouteWeightsResponseSchema } from "@/lib/traffic/contract";
import {
  BASE_URL,
  DECLARED_BACKENDS,
  routeContext,
  routeState,
  seedOrdersRoute,
  weightsRequest,
} from "@/lib/traffic/test-fixtures";
import { PUT } from "./route";

// PUT /api/v1/routes/{id}/weights through the real handler, on a real PostgreSQL schema, with
// a real operator session: validation, optimistic concurrency, the audit row in the same
// transaction as the change, and the discovery notification a watching gateway waits for.

const db = setUpControlTestDatabase();
let operator: string;

beforeAll(async () => {
  operator = (await createTestSession({ username: "alice", role: "operator" })).cookie;
});

beforeEach(async () => {
  await seedOrdersRoute(db.pool);
});

const put = (body: unknown, options: { id?: string; headers?: Record<string, string> } = {}) =>
  PUT(
    weightsRequest(options.id ?? "orders", body, { cookie: operator, headers: options.headers }),
    routeContext(options.id ?? "orders"),
  );

type Problem = { status: number; detail: string; param?: string; current?: unknown; code: string };

const weights = (...pairs: [string, number][]) => pairs.map(([version, weight]) => ({ version, weight }));

describe("PUT /api/v1/routes/{id}/weights: invalid weights", () => {
  it.each<{ name: string; body: unknown; param: string }>([
    { name: "a negative weight", body: { version: 1, backends: weights(["v1", -10], ["v2", 110]) }, param: "backends.0.weight" },
    {
      name: "a fractional weight",
      body: { version: 1, backends: weights(["v1", 10.5], ["v2", 89.5]) },
      param: "backends.0.weight",
    },
    {
      name: 'a weight of "10" (a string)',
      body: {
        version: 1,
        backends: [
          { version: "v1", weight: 90 },
          { version: "v2", weight: "10" },
        ],
      },
      param: "backends.1.weight",
    },
    {
      // JSON has no NaN: JSON.stringify(NaN) is null, which is what a client sends.
      name: "a NaN weight (JSON null)",
      body: { version: 1, backends: weights(["v1", Number.NaN], ["v2", 100]) },
      param: "backends.0.weight",
    },
    {
      name: "a literal NaN token (malformed JSON)",
      body: '{"version":1,"backends":[{"version":"v1","weight":NaN},{"version":"v2","weight":100}]}',
      param: "body",
    },
    { name: "weights summing to 90", body: { version: 1, backends: weights(["v1", 60], ["v2", 30]) }, param: "backends" },
    { name: "weights summing to 110", body: { version: 1, backends: weights(["v1", 100], ["v2", 10]) }, param: "backends" },
    { name: "all weights zero", body: { version: 1, backends: weights(["v1", 0], ["v2", 0]) }, param: "backends" },
    {
      name: "an unknown backend version",
      body: { version: 1, backends: weights(["v1", 50], ["v2", 30], ["v7", 20]) },
      param: "backends.2.version",
    },
    {
      name: "the version of a deregistered instance only",
      body: { version: 1, backends: weights(["v1", 50], ["v2", 30], ["v3", 20]) },
      param: "backends.2.version",
    },
    { name: "a duplicate backend", body: { version: 1, backends: weights(["v1", 50], ["v1", 50]) }, param: "backends.1.version" },
    { name: "an empty list", body: { version: 1, backends: [] }, param: "backends" },
    { name: "no backends", body: { version: 1 }, param: "backends" },
    {
      name: "an unknown instance id",
      body: {
        version: 1,
        backends: [
          {
            version: "v2",
            weight: 100,
            instances: [
              { instanceId: "orders-2", weight: 1 },
              { instanceId: "orders-77", weight: 1 },
            ],
          },
        ],
      },
      param: "backends.0.instances.1.instanceId",
    },
    {
      name: "an instance of another version",
      body: {
        version: 1,
        backends: [
          { version: "v1", weight: 50, instances: [{ instanceId: "orders-2", weight: 1 }] },
          { version: "v2", weight: 50 },
        ],
      },
      param: "backends.0.instances.0.instanceId",
    },
    {
      name: "a duplicate instance",
      body: {
        version: 1,
        backends: [
          {
            version: "v2",
            weight: 100,
            instances: [
              { instanceId: "orders-2", weight: 1 },
              { instanceId: "orders-2", weight: 3 },
            ],
          },
        ],
      },
      param: "backends.0.instances.1.instanceId",
    },
    {
      name: "a backend with traffic whose instance weights are all zero",
      body: { version: 1, backends: [{ version: "v2", weight: 100, instances: [{ instanceId: "orders-2", weight: 0 }] }] },
      param: "backends.0.instances",
    },
    { name: "a missing version", body: { backends: weights(["v1", 80], ["v2", 20]) }, param: "version" },
    { name: "a version as a string", body: { version: "1", backends: weights(["v1", 80], ["v2", 20]) }, param: "version" },
    {
      name: "an extra unknown field",
      body: { version: 1, backends: weights(["v1", 80], ["v2", 20]), priority: "high" },
      param: "priority",
    },
    {
      name: "a reason over 500 characters",
      body: { version: 1, backends: weights(["v1", 80], ["v2", 20]), reason: "x".repeat(501) },
      param: "reason",
    },
    {
      name: "a revert of a change that does not exist",
      body: { version: 1, backends: weights(["v1", 80], ["v2", 20]), revertOf: 999_999 },
      param: "revertOf",
    },
    { name: "a body that is not an object", body: "[1, 2]", param: "body" },
  ])("refuses $name with 400 naming $param, storing nothing", async ({ body, param }) => {
    const before = await routeState(db.pool);
    const response = await put(body);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = (await response.json()) as Problem;
    expect(problem).toMatchObject({ status: 400, code: "VALIDATION_FAILED", param });
    expect(problem.detail).toContain(param === "body" ? "body" : param);
    expect(await routeState(db.pool)).toEqual(before);
    expect(before).toMatchObject({ version: 1, changes: 1 });
  });

  it("refuses a revert of another route's change (400 revertOf)", async () => {
    await jsonRequestRoute("catalog");
    const { rows } = await db.pool.query<{ id: string }>("SELECT id FROM route_changes WHERE route_id = 'catalog'");
    const response = await put({ version: 1, backends: weights(["v1", 80], ["v2", 20]), revertOf: Number(rows[0].id) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).param).toBe("revertOf");
    expect(await routeState(db.pool)).toMatchObject({ version: 1, changes: 1 });
  });

  it("answers 404 for an unknown route", async () => {
    const response = await put({ version: 1, backends: weights(["v1", 100]) }, { id: "nope" });
    expect(response.status).toBe(404);
  });
});

/** Declares another route (service catalog) through the real POST handler. */
async function jsonRequestRoute(id: string): Promise<void> {
  const { POST } = await import("@/app/api/v1/routes/route");
  const response = await POST(
    jsonRequest(`${BASE_URL}/api/v1/routes`, { id, service: id, backends: [{ version: "v1", weight: 100 }] }),
  );
  expect(response.status).toBe(201);
}

describe("PUT /api/v1/routes/{id}/weights: who may change weights", () => {
  const body = { version: 1, backends: weights(["v1", 50], ["v2", 50]) };
  const send = (options: { cookie?: string; headers?: Record<string, string> }, payload: unknown = body) =>
    PUT(weightsRequest("orders", payload, options), routeContext("orders"));

  it("refuses without a session (401), a viewer (403) and a cross-site request (403) before reading the body, storing nothing", async () => {
    const viewer = (await createTestSession({ username: "victor", role: "viewer" })).cookie;
    const before = await routeState(db.pool);
    expect((await send({})).status).toBe(401);
    // The body is not read before the session is checked: a malformed one still gets 401.
    expect((await send({}, "{not json")).status).toBe(401);
    expect((await send({ cookie: viewer })).status).toBe(403);
    expect((await send({ cookie: operator, headers: { origin: "https://evil.example" } })).status).toBe(403);
    expect((await send({ cookie: operator, headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
    // A machine token is never an operator.
    expect((await send({ headers: { authorization: "Bearer anything" } })).status).toBe(401);
    expect(await routeState(db.pool)).toEqual(before);
    expect((await send({ cookie: operator })).status).toBe(200);
  });
});

describe("PUT /api/v1/routes/{id}/weights: changes", () => {
  it("stores the change at version + 1 with exactly one audit row (actor, source, old, new, reason)", async () => {
    const response = await put(
      {
        version: 1,
        backends: [
          {
            version: "v1",
            weight: 80,
          },
          {
            version: "v2",
            weight: 20,
            instances: [
              { instanceId: "orders-2", weight: 3 },
              { instanceId: "orders-3", weight: 1 },
            ],
          },
        ],
        reason: "  canary v2  ",
      },
      { headers: { "x-forwarded-for": "10.9.8.7, 127.0.0.1" } },
    );
    expect(response.status).toBe(200);
    const body = updateRouteWeightsResponseSchema.parse(await response.json());
    const newBackends = [
      { version: "v1", weight: 80 },
      {
        version: "v2",
        weight: 20,
        instances: [
          { instanceId: "orders-2", weight: 3 },
          { instanceId: "orders-3", weight: 1 },
        ],
      },
    ];
    expect(body.route).toMatchObject({ id: "orders", version: 2, backends: newBackends, updatedBy: "user:alice" });
    expect(body.change).toMatchObject({
      routeId: "orders",
      routeVersion: 2,
      oldBackends: DECLARED_BACKENDS,
      newBackends,
      actor: "user:alice",
      source: "10.9.8.7",
      reason: "canary v2",
      revertOf: null,
    });

    const { rows } = await db.pool.query(
      `SELECT id::int, route_version, old_backends, new_backends, actor, source, reason, revert_of
         FROM route_changes WHERE route_id = 'orders' AND route_version = 2`,
    );
    expect(rows).toEqual([
      {
        id: body.change.id,
        route_version: 2,
        old_backends: DECLARED_BACKENDS,
        new_backends: newBackends,
        actor: "user:alice",
        source: "10.9.8.7",
        reason: "canary v2",
        revert_of: null,
      },
    ]);
    expect(await routeState(db.pool)).toMatchObject({ version: 2, backends: newBackends, changes: 2 });
  });

  it("answers a stale version with 409 carrying the current route, storing nothing", async () => {
    expect((await put({ version: 1, backends: weights(["v1", 80], ["v2", 20]) })).status).toBe(200);
    const before = await routeState(db.pool);

    const response = await put({ version: 1, backends: weights(["v1", 0], ["v2", 100]) });
    expect(response.status).toBe(409);
    const problem = (await response.json()) as Problem;
    expect(problem.code).toBe("CONFLICT");
    const current = routeSchema.parse(problem.current);
    expect(current).toMatchObject({
      id: "orders",
      version: 2,
      backends: weights(["v1", 80], ["v2", 20]),
      updatedBy: "user:alice",
    });
    expect(await routeState(db.pool)).toEqual(before);
  });

  it("lets exactly one of two concurrent PUTs against the same version win (the other gets 409)", async () => {
    for (let round = 0; round < 8; round++) {
      const { version, changes } = await routeState(db.pool);
      const responses = await Promise.all([
        put({ version, backends: weights(["v1", 70], ["v2", 30]), reason: `round ${round} a` }),
        put({ version, backends: weights(["v1", 30], ["v2", 70]), reason: `round ${round} b` }),
      ]);
      expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = updateRouteWeightsResponseSchema.parse(await responses.find((r) => r.status === 200)!.json());
      const loser = (await responses.find((r) => r.status === 409)!.json()) as Problem;
      // The loser is shown what the winner stored.
      expect(routeSchema.parse(loser.current)).toEqual(winner.route);
      expect(await routeState(db.pool)).toMatchObject({ version: version + 1, changes: changes + 1 });
    }
  });

  it("writes the audit row in the change's transaction: when the audit INSERT fails, the route is unchanged", async () => {
    await db.pool.query(`
      CREATE FUNCTION refuse_route_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$;
      CREATE TRIGGER refuse_route_change BEFORE INSERT ON route_changes FOR EACH ROW EXECUTE FUNCTION refuse_route_change();`);
    try {
      const before = await routeState(db.pool);
      const response = await put({ version: 1, backends: weights(["v1", 50], ["v2", 50]) });
      expect(response.status).toBe(500);
      expect(await routeState(db.pool)).toEqual(before);
      expect(before).toMatchObject({ version: 1, backends: DECLARED_BACKENDS, changes: 1 });
    } finally {
      await db.pool.query("DROP TRIGGER refuse_route_change ON route_changes; DROP FUNCTION refuse_route_change()");
    }
    // …and with the audit working again the same edit goes through.
    expect((await put({ version: 1, backends: weights(["v1", 50], ["v2", 50]) })).status).toBe(200);
  });

  it("audits a revert like any change: revert_of set, reason defaulted", async () => {
    expect((await put({ version: 1, backends: weights(["v1", 20], ["v2", 80]), reason: "more v2" })).status).toBe(200);
    const { rows } = await db.pool.query<{ id: string }>(
      "SELECT id FROM route_changes WHERE route_id = 'orders' AND route_version = 1",
    );
    const declaration = Number(rows[0].id);

    const response = await put({ version: 2, backends: DECLARED_BACKENDS, revertOf: declaration });
    expect(response.status).toBe(200);
    const { route, change } = updateRouteWeightsResponseSchema.parse(await response.json());
    expect(route).toMatchObject({ version: 3, backends: DECLARED_BACKENDS });
    expect(change).toMatchObject({
      routeVersion: 3,
      oldBackends: weights(["v1", 20], ["v2", 80]),
      newBackends: DECLARED_BACKENDS,
      actor: "user:alice",
      reason: `revert to weights of change #${declaration}`,
      revertOf: declaration,
    });
    const stored = await db.pool.query(
      "SELECT revert_of::int FROM route_changes WHERE route_version = 3 AND route_id = 'orders'",
    );
    expect(stored.rows).toEqual([{ revert_of: declaration }]);

    // A reason given with a revert is kept.
    const withReason = await put({
      version: 3,
      backends: weights(["v1", 20], ["v2", 80]),
      revertOf: declaration + 1,
      reason: "v2 fixed",
    });
    expect(updateRouteWeightsResponseSchema.parse(await withReason.json()).change.reason).toBe("v2 fixed");
  });

  it("wakes a gateway's discovery long-poll within a second", async () => {
    const changes = startDiscoveryChanges();
    for (let i = 0; i < 100 && !changes.isListening(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(changes.isListening()).toBe(true);
    const discoveryUrl = `${BASE_URL}/api/v1/discovery?service=orders`;
    const first = discoveryResponseSchema.parse(await (await getDiscovery(new Request(discoveryUrl))).json());
    expect(first.routes.find((route) => route.id === "orders")?.version).toBe(1);

    const timings: number[] = [];
    let version = 1;
    for (let round = 0; round < 3; round++) {
      const since = discoveryResponseSchema.parse(await (await getDiscovery(new Request(discoveryUrl))).json()).version;
      const poll = getDiscovery(new Request(`${discoveryUrl}&since=${since}&waitMs=10000`)).then(async (response) => ({
        response,
        atMs: performance.now(),
      }));
      // Let the poll read the current version and start waiting before the change.
      await new Promise((resolve) => setTimeout(resolve, 150));
      const savedAt = performance.now();
      const saved = await put({ version, backends: weights(["v1", 60 - round * 10], ["v2", 40 + round * 10]) });
      expect(saved.status).toBe(200);
      version++;
      const { response, atMs } = await poll;
      expect(response.status).toBe(200);
      const discovery = discoveryResponseSchema.parse(await response.json());
      expect(discovery.routes.find((route) => route.id === "orders")).toMatchObject({
        version,
        backends: weights(["v1", 60 - round * 10], ["v2", 40 + round * 10]),
      });
      timings.push(atMs - savedAt);
    }
    console.info(`[weights] save → discovery long-poll answered: ${timings.map((ms) => `${ms.toFixed(0)} ms`).join(", ")}`);
    for (const ms of timings) expect(ms).toBeLessThan(1_000);
  });
});
