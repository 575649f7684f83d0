import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getTransitionsRoute } from "@/app/api/v1/breakers/transitions/route";
import { POST as postHeartbeat } from "@/app/api/v1/heartbeats/route";
import { useTestDatabaseForQueries } from "@/lib/queries/test-fixtures";
import { stopDiscoveryChanges } from "./discovery-changes";
import { type BreakerTransitionsResult, listBreakerTransitions } from "./list-breaker-transitions";
import { jsonRequest, makeBreaker, makeHeartbeat, problemDetail } from "./test-fixtures";

const BASE = "http://breakwater.test/api/v1";
const MINUTE_MS = 60_000;

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;
// Fixed instants relative to the start of the run, so windows can be chosen exactly.
const t0 = Date.now();
const at = (minutesAgo: number) => new Date(t0 - minutesAgo * MINUTE_MS).toISOString();

async function beat(overrides: Record<string, unknown>): Promise<void> {
  const response = await postHeartbeat(jsonRequest(`${BASE}/heartbeats`, makeHeartbeat(overrides)));
  expect(response.status, await response.clone().text()).toBe(200);
}

async function getTransitions(query: string): Promise<BreakerTransitionsResult> {
  const response = await getTransitionsRoute(new Request(`${BASE}/breakers/transitions${query}`));
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as BreakerTransitionsResult;
}

const summarize = (result: BreakerTransitionsResult) =>
  result.transitions.map((t) => `${t.ownerInstanceId}→${t.targetInstanceId} ${t.fromState}>${t.toState}`);

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await beat({
    service: "orders",
    instanceId: "orders-1",
    breakers: [
      makeBreaker({
        targetService: "payments",
        targetInstanceId: "payments-1",
        state: "half_open",
        stateSince: at(5),
        transitions: [
          // Two hours ago: before every window below but the widest.
          { from: "closed", to: "open", at: at(120), reason: "failure rate 100% ≥ 50% over 6 calls" },
          { from: "open", to: "half_open", at: at(119), reason: "open wait 5000 ms elapsed" },
          { from: "half_open", to: "closed", at: at(118), reason: "3 of 3 probe calls succeeded" },
          { from: "closed", to: "open", at: at(30), reason: "failure rate 80% ≥ 50% over 10 calls" },
          { from: "open", to: "half_open", at: at(5), reason: "open wait 5000 ms elapsed" },
        ],
      }),
      makeBreaker({ targetService: "inventory", targetInstanceId: "inventory-1", state: "closed" }),
    ],
  });
  await beat({
    service: "gateway",
    instanceId: "gateway-1",
    breakers: [
      makeBreaker({
        targetService: "orders",
        targetInstanceId: "orders-1",
        state: "open",
        stateSince: at(10),
        transitions: [{ from: "closed", to: "open", at: at(10), reason: "slow-call rate 100% ≥ 100%" }],
      }),
    ],
  });
});

afterAll(async () => {
  await stopDiscoveryChanges();
  await db?.close();
});

describe("listBreakerTransitions", () => {
  it("returns the transitions inside the window, most recent first, with the state each breaker had at its start", async () => {
    const result = await listBreakerTransitions({ from: new Date(at(60)), to: new Date(t0) }, db.pool);
    expect(summarize(result)).toEqual([
      "orders-1→payments-1 open>half_open",
      "gateway-1→orders-1 closed>open",
      "orders-1→payments-1 closed>open",
    ]);
    expect(result.transitions[2]).toMatchObject({
      ownerService: "orders",
      targetService: "payments",
      at: at(30),
      reason: "failure rate 80% ≥ 50% over 10 calls",
    });
    expect(result.isTruncated).toBe(false);
    // Only orders-1 → payments-1 had a transition before the window; it was closed again then.
    expect(result.priorStates).toEqual([
      { ownerInstanceId: "orders-1", targetInstanceId: "payments-1", state: "closed", since: at(118) },
    ]);
    expect(result.from).toBe(at(60));
    expect(result.to).toBe(new Date(t0).toISOString());
  });

  it("includes transitions exactly at either edge, and the latest earlier one as the prior state", async () => {
    const result = await listBreakerTransitions({ from: new Date(at(30)), to: new Date(at(10)) }, db.pool);
    expect(summarize(result)).toEqual(["gateway-1→orders-1 closed>open", "orders-1→payments-1 closed>open"]);
    const inner = await listBreakerTransitions({ from: new Date(at(29)), to: new Date(at(6)) }, db.pool);
    expect(summarize(inner)).toEqual(["gateway-1→orders-1 closed>open"]);
    expect(inner.priorStates).toEqual([
      { ownerInstanceId: "orders-1", targetInstanceId: "payments-1", state: "open", since: at(30) },
    ]);
  });

  it("keeps the most recent transitions when there are more than the limit", async () => {
    const result = await listBreakerTransitions({ from: new Date(at(180)), to: new Date(t0), limit: 2 }, db.pool);
    expect(summarize(result)).toEqual(["orders-1→payments-1 open>half_open", "gateway-1→orders-1 closed>open"]);
    expect(result.isTruncated).toBe(true);
  });
});

describe("GET /api/v1/breakers/transitions", () => {
  it("defaults to the last hour", async () => {
    const result = await getTransitions("");
    expect(summarize(result)).toHaveLength(3);
    expect(Date.parse(result.to) - Date.parse(result.from)).toBe(60 * MINUTE_MS);
  });

  it("filters by service (owner or target side), owner and target instance", async () => {
    const window = `from=${encodeURIComponent(at(180))}`;
    expect(summarize(await getTransitions(`?${window}&service=payments`))).toHaveLength(5);
    // orders is the owner of one breaker and the target of the other: both match.
    expect(summarize(await getTransitions(`?${window}&service=orders`))).toHaveLength(6);
    expect(summarize(await getTransitions(`?${window}&owner=gateway-1`))).toEqual(["gateway-1→orders-1 closed>open"]);
    expect(summarize(await getTransitions(`?${window}&target=inventory-1`))).toEqual([]);
    const prior = await getTransitions(`?from=${encodeURIComponent(at(60))}&service=gateway`);
    expect(prior.priorStates).toEqual([]);
  });

  it("400 for a reversed or too wide window and for bad parameters", async () => {
    for (const [query, param] of [
      [`?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(10))}`, "from"],
      [`?from=${encodeURIComponent(at(8 * 24 * 60))}`, "7 days"],
      ["?from=yesterday", "from"],
      ["?limit=0", "limit"],
      ["?service=%3Cimg%3E", "service"],
    ]) {
      const response = await getTransitionsRoute(new Request(`${BASE}/breakers/transitions${query}`));
      expect(response.status, query).toBe(400);
      expect(await problemDetail(response)).toContain(param);
    }
  });
});
