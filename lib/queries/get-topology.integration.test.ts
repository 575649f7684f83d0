import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TopologyEdge, TopologyNode, TrafficStats } from "@/lib/query-client/topology-schemas";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { getTopology } from "./get-topology";
import { ingestDemoShapeRollups } from "./topology-test-ingest";

// The demo shape (lib/queries/topology-test-fixtures) ingested, then read back as a graph
// whose every number is worked out by hand below.

const MINUTE_MS = 60_000;
/** Ten minutes ago, to the minute: the spans start in the minute after it. */
const T0 = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 10 * MINUTE_MS;
const SPANS_START = T0 + MINUTE_MS;
/** A 5-minute window; "now" at its end, so rates divide by 300 s. */
const WINDOW = { fromMs: T0, toMs: T0 + 5 * MINUTE_MS, nowMs: T0 + 5 * MINUTE_MS };
const WINDOW_S = 300;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE service_minute_stats, service_minute_totals, edge_minute_stats, instances, breakers");
});

const ingestDemoShape = (startMs: number) => ingestDemoShapeRollups(db.pool, startMs);

/** What a stats object must hold: counts exactly, percentiles (ms) within the histogram's 1.96 %. */
function expectStats(actual: TrafficStats, expected: { calls: number; errors: number; p50: number; p95: number; p99: number }) {
  expect({ calls: actual.calls, errors: actual.errors }).toEqual({ calls: expected.calls, errors: expected.errors });
  expect(actual.rps).toBeCloseTo(expected.calls / WINDOW_S, 10);
  expect(actual.errorRate).toBeCloseTo(expected.errors / expected.calls, 10);
  for (const [key, value] of [
    ["p50Ms", expected.p50],
    ["p95Ms", expected.p95],
    ["p99Ms", expected.p99],
  ] as const) {
    const got = actual[key];
    expect(got, key).not.toBeNull();
    expect(Math.abs(got! - value) / value, `${key}: ${got} vs ${value}`).toBeLessThanOrEqual(0.0196);
  }
}

const nodeById = (nodes: TopologyNode[], id: string) => nodes.find((node) => node.id === id)!;
const edgeOf = (edges: TopologyEdge[], source: string, target: string) =>
  edges.find((edge) => edge.source === source && edge.target === target)!;

async function insertInstance(instanceId: string, service: string, status: string): Promise<void> {
  await db.pool.query(
    `INSERT INTO instances (instance_id, service, version, address, status, reported_status, checks, ttl_ms, first_seen,
                            last_heartbeat_at, last_received_at, last_sequence, status_since)
     VALUES ($1, $2, 'v1', 'http://127.0.0.1:1', $3, 'healthy', '[]', 3000, now(), now(), now(), 1, now())`,
    [instanceId, service, status],
  );
}

async function insertBreaker(owner: string, ownerService: string, target: string, targetService: string, state: string) {
  await db.pool.query(
    `INSERT INTO breakers (owner_instance_id, target_instance_id, owner_service, target_service, state, state_since, calls,
                           failed_calls, slow_calls, failure_rate, slow_call_rate, not_permitted_calls, config, updated_at)
     VALUES ($1, $2, $3, $4, $5, now(), 10, 0, 0, 0, 0, 0, '{}', now())`,
    [owner, target, ownerService, targetService, state],
  );
}

describe("getTopology", () => {
  it("reads the demo shape back: exactly its nodes and edges, with hand-computed numbers", async () => {
    await ingestDemoShape(SPANS_START);
    const topology = await getTopology(WINDOW, db.pool);

    expect(topology.fromMs).toBe(T0);
    expect(topology.toMs).toBe(T0 + 5 * MINUTE_MS);
    expect(topology.nodes.map((node) => [node.id, node.isVirtual])).toEqual([
      ["card-network", true],
      ["catalog", false],
      ["gateway", false],
      ["inventory", false],
      ["loadgen", false],
      ["orders", false],
      ["payments", false],
      ["postgresql", true],
    ]);
    expect(topology.edges.map((edge) => [edge.source, edge.target, edge.isVirtual])).toEqual([
      ["gateway", "catalog", false],
      ["gateway", "orders", false],
      ["inventory", "postgresql", true],
      ["loadgen", "gateway", false],
      ["orders", "inventory", false],
      ["orders", "payments", false],
      ["payments", "card-network", true],
    ]);
    expect(topology.edges.every((edge) => edge.breakers.length === 0)).toBe(true);

    const { nodes, edges } = topology;
    // Edges, from the CLIENT spans. loadgen: browse 20…29 ms, orders 100…109 ms (20 calls,
    // the 2 declined ones failed): p50 = 10th value, p95 = 19th, p99 = 20th.
    expectStats(edgeOf(edges, "loadgen", "gateway").stats, { calls: 20, errors: 2, p50: 29, p95: 108, p99: 109 });
    // Ten calls of base + 0…9 ms: p50 = the 5th value (base + 4), p95 = p99 = the 10th (base + 9).
    expectStats(edgeOf(edges, "gateway", "catalog").stats, { calls: 10, errors: 0, p50: 14, p95: 19, p99: 19 });
    expectStats(edgeOf(edges, "gateway", "orders").stats, { calls: 10, errors: 2, p50: 94, p95: 99, p99: 99 });
    expectStats(edgeOf(edges, "orders", "inventory").stats, { calls: 10, errors: 1, p50: 34, p95: 39, p99: 39 });
    expectStats(edgeOf(edges, "inventory", "postgresql").stats, { calls: 10, errors: 1, p50: 9, p95: 14, p99: 14 });
    expectStats(edgeOf(edges, "orders", "payments").stats, { calls: 10, errors: 2, p50: 44, p95: 49, p99: 49 });
    expectStats(edgeOf(edges, "payments", "card-network").stats, { calls: 10, errors: 2, p50: 39, p95: 44, p99: 44 });

    // Services, from their SERVER spans; gateway served both kinds: 18…27 and 98…107 ms.
    expectStats(nodeById(nodes, "gateway").stats, { calls: 20, errors: 2, p50: 27, p95: 106, p99: 107 });
    expectStats(nodeById(nodes, "catalog").stats, { calls: 10, errors: 0, p50: 12, p95: 17, p99: 17 });
    expectStats(nodeById(nodes, "orders").stats, { calls: 10, errors: 2, p50: 89, p95: 94, p99: 94 });
    expectStats(nodeById(nodes, "inventory").stats, { calls: 10, errors: 1, p50: 29, p95: 34, p99: 34 });
    expectStats(nodeById(nodes, "payments").stats, { calls: 10, errors: 2, p50: 42, p95: 47, p99: 47 });
    // Virtual nodes: the calls made to them.
    expectStats(nodeById(nodes, "postgresql").stats, { calls: 10, errors: 1, p50: 9, p95: 14, p99: 14 });
    expectStats(nodeById(nodes, "card-network").stats, { calls: 10, errors: 2, p50: 39, p95: 44, p99: 44 });
    // loadgen only calls: a node without served traffic.
    expect(nodeById(nodes, "loadgen").stats).toEqual({
      calls: 0,
      errors: 0,
      rps: 0,
      errorRate: null,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
    });
    expect(nodes.every((node) => node.instances.healthy + node.instances.degraded + node.instances.unhealthy === 0)).toBe(true);
  });

  it("adds heartbeat-only services and breakers per edge, those of owners that stopped reporting as stale", async () => {
    await ingestDemoShape(SPANS_START);
    await insertInstance("orders-v1-1", "orders", "healthy");
    await insertInstance("orders-v2-1", "orders", "degraded");
    await insertInstance("payments-1", "payments", "healthy");
    await insertInstance("payments-2", "payments", "unhealthy");
    await insertInstance("gateway-1", "gateway", "unhealthy"); // stopped reporting
    await insertInstance("gateway-0", "gateway", "deregistered");
    await insertInstance("notifier-1", "notifier", "healthy"); // heartbeats, no spans
    await insertBreaker("orders-v1-1", "orders", "payments-1", "payments", "open");
    await insertBreaker("orders-v1-1", "orders", "payments-2", "payments", "closed");
    await insertBreaker("orders-v2-1", "orders", "payments-1", "payments", "half_open");
    await insertBreaker("orders-v2-1", "orders", "payments-2", "payments", "closed");
    await insertBreaker("gateway-1", "gateway", "catalog-1", "catalog", "open"); // stale: owner unhealthy
    await insertBreaker("orders-v0-1", "orders", "payments-1", "payments", "open"); // stale: owner gone
    // No traffic in the window, and nothing but the breaker names mailer: an uninstrumented peer.
    await insertBreaker("notifier-1", "notifier", "mailer-1", "mailer", "closed");

    const { nodes, edges } = await getTopology(WINDOW, db.pool);
    expect(nodes.map((node) => node.id)).toEqual([
      "card-network",
      "catalog",
      "gateway",
      "inventory",
      "loadgen",
      "mailer",
      "notifier",
      "orders",
      "payments",
      "postgresql",
    ]);
    expect(nodeById(nodes, "orders").instances).toEqual({ healthy: 1, degraded: 1, unhealthy: 0 });
    expect(nodeById(nodes, "payments").instances).toEqual({ healthy: 1, degraded: 0, unhealthy: 1 });
    expect(nodeById(nodes, "gateway").instances).toEqual({ healthy: 0, degraded: 0, unhealthy: 1 });
    expect(nodeById(nodes, "notifier")).toMatchObject({ isVirtual: false, stats: { calls: 0 } });

    expect(edgeOf(edges, "orders", "payments").breakers).toEqual([
      { state: "open", isStale: false, count: 1 },
      { state: "half_open", isStale: false, count: 1 },
      { state: "closed", isStale: false, count: 2 },
      { state: "open", isStale: true, count: 1 },
    ]);
    expect(edgeOf(edges, "orders", "payments").stats.calls).toBe(10);
    expect(edgeOf(edges, "gateway", "catalog").breakers).toEqual([{ state: "open", isStale: true, count: 1 }]);
    expect(nodeById(nodes, "mailer")).toMatchObject({ isVirtual: true, stats: { calls: 0 } });
    expect(edgeOf(edges, "notifier", "mailer")).toMatchObject({
      isVirtual: true,
      stats: { calls: 0, errorRate: null },
      breakers: [{ state: "closed", isStale: false, count: 1 }],
    });
    expect(edges).toHaveLength(8);
  });

  it("merges a virtual callee into the service of the same name", async () => {
    await ingestDemoShape(SPANS_START);
    // Two calls from orders to "payments" that never reached it: virtual rows, named by peer.service.
    await db.pool.query(
      `INSERT INTO edge_minute_stats (minute, calls, errors, duration_sum_us, is_virtual, caller_service, callee, bucket_ids, bucket_counts)
       VALUES ($1, 2, 2, 2000000, true, 'orders', 'payments', '{353}', '{2}')`,
      [new Date(SPANS_START)],
    );
    const { nodes, edges } = await getTopology(WINDOW, db.pool);
    expect(nodes.filter((node) => node.id === "payments")).toEqual([expect.objectContaining({ isVirtual: false })]);
    const edge = edgeOf(edges, "orders", "payments");
    expect(edges.filter((e) => e.source === "orders" && e.target === "payments")).toHaveLength(1);
    expect({ calls: edge.stats.calls, errors: edge.stats.errors, isVirtual: edge.isVirtual }).toEqual({
      calls: 12,
      errors: 4,
      isVirtual: false,
    });
  });

  it("counts only the minutes of the window", async () => {
    await ingestDemoShape(SPANS_START);
    const later = await getTopology({ fromMs: T0 + 2 * MINUTE_MS, toMs: T0 + 5 * MINUTE_MS, nowMs: WINDOW.nowMs }, db.pool);
    expect(later).toEqual({ fromMs: T0 + 2 * MINUTE_MS, toMs: T0 + 5 * MINUTE_MS, nodes: [], edges: [] });
    // A window starting mid-minute reads that whole minute.
    const midMinute = await getTopology({ fromMs: SPANS_START + 30_000, toMs: T0 + 5 * MINUTE_MS, nowMs: WINDOW.nowMs }, db.pool);
    expect(midMinute.fromMs).toBe(SPANS_START);
    expect(edgeOf(midMinute.edges, "loadgen", "gateway").stats.calls).toBe(20);
    expect(edgeOf(midMinute.edges, "loadgen", "gateway").stats.rps).toBeCloseTo(20 / 240, 10);
  });
});
