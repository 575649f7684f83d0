import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getBreakersRoute } from "@/app/api/v1/breakers/route";
import { GET as getInstanceRoute } from "@/app/api/v1/instances/[instanceId]/route";
import { GET as getInstancesRoute } from "@/app/api/v1/instances/route";
import { POST as postHeartbeat } from "@/app/api/v1/heartbeats/route";
import { useTestDatabaseForQueries } from "@/lib/queries/test-fixtures";
import { stopDiscoveryChanges } from "./discovery-changes";
import type { InstanceDetail } from "./get-instance";
import type { BreakerSummary } from "./list-breakers";
import type { InstanceSummary } from "./list-instances";
import { sweepRegistry } from "./sweep-registry";
import { jsonRequest, makeBreaker, makeHeartbeat, problemDetail } from "./test-fixtures";

const BASE = "http://breakwater.test/api/v1";

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

async function beat(overrides: Record<string, unknown>): Promise<void> {
  const response = await postHeartbeat(jsonRequest(`${BASE}/heartbeats`, makeHeartbeat(overrides)));
  expect(response.status, await response.clone().text()).toBe(200);
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await beat({ instanceId: "orders-1", service: "orders", checks: [{ name: "db", status: "pass" }] });
  await beat({ instanceId: "orders-2", service: "orders", version: "v2", status: "degraded", ttlMs: 1_000 });
  await beat({ instanceId: "catalog-1", service: "catalog" });
  await beat({
    instanceId: "gateway-1",
    service: "gateway",
    breakers: [
      makeBreaker({
        targetService: "orders",
        targetInstanceId: "orders-2",
        state: "open",
        transitions: [
          { from: "closed", to: "open", at: ago(5_000), reason: "failure rate 80% ≥ 50% over 10 calls" },
          { from: "open", to: "half_open", at: ago(3_000) },
          { from: "half_open", to: "open", at: ago(2_000), reason: "probe failed" },
        ],
      }),
      makeBreaker({ targetService: "catalog", targetInstanceId: "catalog-1" }),
    ],
  });
  // orders-2 expires: a status change from the registry itself.
  await sweepRegistry(db.pool, { deregisterAfterS: 60, now: new Date(Date.now() + 2_000) });
});

afterAll(async () => {
  await stopDiscoveryChanges();
  await db?.close();
});

describe("GET /api/v1/instances", () => {
  it("lists instances by service, with status and heartbeat age", async () => {
    const response = await getInstancesRoute(new Request(`${BASE}/instances`));
    const { instances } = (await response.json()) as { instances: InstanceSummary[] };
    expect(instances.map((instance) => [instance.instanceId, instance.status])).toEqual([
      ["catalog-1", "healthy"],
      ["gateway-1", "healthy"],
      ["orders-1", "healthy"],
      ["orders-2", "unhealthy"],
    ]);
    const orders1 = instances[2];
    expect(orders1).toMatchObject({ service: "orders", version: "v1", reportedStatus: "healthy", ttlMs: 5_000 });
    expect(orders1.checks).toEqual([{ name: "db", status: "pass" }]);
    expect(orders1.heartbeatAgeMs).toBeGreaterThanOrEqual(0);
    expect(orders1.heartbeatAgeMs).toBeLessThan(60_000);
    expect(instances[3].reportedStatus).toBe("degraded");
  });

  it("filters by service and status", async () => {
    const response = await getInstancesRoute(new Request(`${BASE}/instances?service=orders&status=healthy`));
    const { instances } = (await response.json()) as { instances: InstanceSummary[] };
    expect(instances.map((instance) => instance.instanceId)).toEqual(["orders-1"]);
    const bad = await getInstancesRoute(new Request(`${BASE}/instances?status=sleepy`));
    expect(bad.status).toBe(400);
    expect(await problemDetail(bad)).toContain("status");
  });
});

describe("GET /api/v1/instances/{instanceId}", () => {
  it("returns the instance with its status changes, most recent first", async () => {
    const response = await getInstanceRoute(new Request(`${BASE}/instances/orders-2`), {
      params: Promise.resolve({ instanceId: "orders-2" }),
    });
    expect(response.status).toBe(200);
    const { instance } = (await response.json()) as { instance: InstanceDetail };
    expect(instance.status).toBe("unhealthy");
    expect(instance.statusChanges.map(({ fromStatus, toStatus, reason }) => ({ fromStatus, toStatus, reason }))).toEqual([
      { fromStatus: "degraded", toStatus: "unhealthy", reason: "no heartbeat for 1000 ms" },
      { fromStatus: null, toStatus: "degraded", reason: "registered, reported degraded" },
    ]);
  });

  it("404 for an unknown instance", async () => {
    const response = await getInstanceRoute(new Request(`${BASE}/instances/nope`), {
      params: Promise.resolve({ instanceId: "nope" }),
    });
    expect(response.status).toBe(404);
    expect(await problemDetail(response)).toContain('"nope"');
  });
});

describe("GET /api/v1/breakers", () => {
  it("lists current breaker state per owner → target, with recent transitions on request", async () => {
    const plain = await getBreakersRoute(new Request(`${BASE}/breakers`));
    const { breakers } = (await plain.json()) as { breakers: BreakerSummary[] };
    expect(breakers.map((b) => [b.ownerInstanceId, b.targetInstanceId, b.state, b.ownerStatus])).toEqual([
      ["gateway-1", "catalog-1", "closed", "healthy"],
      ["gateway-1", "orders-2", "open", "healthy"],
    ]);
    expect(breakers[0].recentTransitions).toEqual([]);
    expect(breakers[1]).toMatchObject({ ownerService: "gateway", targetService: "orders", calls: 10, failureRate: 10 });
    expect(breakers[1].config.failureRateThreshold).toBe(50);

    const withTransitions = await getBreakersRoute(new Request(`${BASE}/breakers?service=orders&transitions=2`));
    const filtered = ((await withTransitions.json()) as { breakers: BreakerSummary[] }).breakers;
    expect(filtered.map((b) => b.targetInstanceId)).toEqual(["orders-2"]);
    expect(filtered[0].recentTransitions.map((t) => [t.fromState, t.toState, t.reason])).toEqual([
      ["half_open", "open", "probe failed"],
      ["open", "half_open", null],
    ]);
  });

  it("400 for a bad transitions count", async () => {
    const response = await getBreakersRoute(new Request(`${BASE}/breakers?transitions=1000`));
    expect(response.status).toBe(400);
    expect(await problemDetail(response)).toContain("transitions");
  });
});
