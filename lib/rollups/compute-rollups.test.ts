import { describe, expect, it } from "vitest";
import { SPAN_KIND, STATUS_CODE, type SpanKind } from "@/lib/otlp/model";
import { computeRollups, type RollupPlan } from "@/lib/rollups/compute-rollups";
import { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import type { RollupRows } from "@/lib/rollups/rollup-rows";
import type { PeerAttributes, SpanSummary } from "@/lib/rollups/span-summary";

const T0_US = Date.UTC(2026, 10, 21, 10, 0, 5) * 1000;
const NOW = Date.UTC(2026, 10, 21, 10, 0, 30);

function hex(n: number, length: number): string {
  return n.toString(16).padStart(length, "0");
}

type SpanInput = {
  trace: number;
  span: number;
  parent?: number;
  service: string;
  kind: SpanKind;
  name?: string;
  startUs?: number;
  durationNs?: number;
  isError?: boolean;
  peer?: PeerAttributes;
};

function span(input: SpanInput): SpanSummary {
  return {
    traceId: hex(input.trace, 32),
    spanId: hex(input.span, 16),
    parentSpanId: input.parent === undefined ? undefined : hex(input.parent, 16),
    serviceName: input.service,
    name: input.name ?? "op",
    kind: input.kind,
    statusCode: input.isError ? STATUS_CODE.ERROR : STATUS_CODE.UNSET,
    startUs: input.startUs ?? T0_US,
    durationNs: input.durationNs ?? 10_000_000,
    peer: input.peer,
  };
}

/** A client span of `caller` and its server child in `callee`. */
function pair(trace: number, caller: string, callee: string, extra: Partial<SpanInput> = {}): [SpanSummary, SpanSummary] {
  return [
    span({ trace, span: 1, parent: 100, service: caller, kind: SPAN_KIND.CLIENT, ...extra }),
    span({ trace, span: 2, parent: 1, service: callee, kind: SPAN_KIND.SERVER, durationNs: 5_000_000 }),
  ];
}

/** Plans and commits a batch as the span writer does. */
function write(cache: EdgePairingCache, spans: SpanSummary[], nowMs = NOW): RollupRows {
  const plan = computeRollups(spans, cache, { nowMs });
  const rows = plan.rows();
  plan.commit();
  return rows;
}

/** Plans and commits a flush (expired clients) as flushExpiredEdges does, the database holding no children. */
function flush(cache: EdgePairingCache, nowMs: number): RollupRows {
  const plan = computeRollups([], cache, { nowMs, takeExpired: true });
  plan.setDatabaseChildren(new Map());
  const rows = plan.rows();
  plan.commit();
  return rows;
}

function edges(rows: RollupRows): string[] {
  return rows.edges.map(
    (e) => `${e.callerService}->${e.callee}${e.isVirtual ? " (virtual)" : ""} calls=${e.calls} errors=${e.errors}`,
  );
}

describe("computeRollups: service rows", () => {
  it("counts every span once per minute, service, operation and kind, with its histogram", () => {
    const cache = new EdgePairingCache();
    const spans = [
      span({ trace: 1, span: 1, service: "orders", kind: SPAN_KIND.SERVER, durationNs: 1_000_000 }),
      span({ trace: 2, span: 1, service: "orders", kind: SPAN_KIND.SERVER, durationNs: 3_000_000, isError: true }),
      span({ trace: 3, span: 1, service: "orders", kind: SPAN_KIND.SERVER, startUs: T0_US + 60_000_000 }),
      span({ trace: 1, span: 1, service: "orders", kind: SPAN_KIND.SERVER, durationNs: 1_000_000 }), // repeated
    ];
    const rows = write(cache, spans);
    expect(rows.services.map((r) => [new Date(r.minuteMs).toISOString(), r.calls, r.errors, r.durationSumUs])).toEqual([
      ["2026-11-21T10:00:00.000Z", 2, 1, 4000],
      ["2026-11-21T10:01:00.000Z", 1, 0, 10_000],
    ]);
    expect(rows.services[0].histogram.count).toBe(2);
    expect(rows.services[0].histogram.quantileMicros(1)).toBeCloseTo(3000, -2);
  });

  it("sums a service's operations per minute and kind into its totals", () => {
    const cache = new EdgePairingCache();
    const rows = write(cache, [
      span({ trace: 1, span: 1, service: "orders", kind: SPAN_KIND.SERVER, name: "GET /a", durationNs: 1_000_000 }),
      span({
        trace: 2,
        span: 1,
        service: "orders",
        kind: SPAN_KIND.SERVER,
        name: "GET /b",
        durationNs: 2_000_000,
        isError: true,
      }),
      span({ trace: 3, span: 1, service: "orders", kind: SPAN_KIND.INTERNAL, name: "GET /b", durationNs: 4_000_000 }),
      span({ trace: 4, span: 1, service: "gateway", kind: SPAN_KIND.SERVER, name: "GET /a", durationNs: 8_000_000 }),
      span({ trace: 5, span: 1, service: "orders", kind: SPAN_KIND.SERVER, name: "GET /a", startUs: T0_US + 60_000_000 }),
    ]);
    expect(rows.services).toHaveLength(5);
    expect(
      rows.serviceTotals.map((t) => [
        t.serviceName,
        new Date(t.minuteMs).toISOString().slice(11, 16),
        t.spanKind,
        t.calls,
        t.errors,
        t.durationSumUs,
        t.histogram.count,
      ]),
    ).toEqual([
      ["gateway", "10:00", SPAN_KIND.SERVER, 1, 0, 8000, 1],
      ["orders", "10:00", SPAN_KIND.INTERNAL, 1, 0, 4000, 1],
      ["orders", "10:00", SPAN_KIND.SERVER, 2, 1, 3000, 2],
      ["orders", "10:01", SPAN_KIND.SERVER, 1, 0, 10_000, 1],
    ]);
  });
});

describe("computeRollups: edge pairing", () => {
  it("pairs a client and its server child in the same batch", () => {
    const cache = new EdgePairingCache();
    const rows = write(cache, pair(1, "gateway", "orders", { isError: true }));
    expect(edges(rows)).toEqual(["gateway->orders calls=1 errors=1"]);
    // The client's duration, not the server's.
    expect(rows.edges[0].durationSumUs).toBe(10_000);
    expect(cache.pendingCount + cache.orphanCount).toBe(0);
  });

  it("pairs client first, server in a later batch", () => {
    const cache = new EdgePairingCache();
    const [client, server] = pair(1, "gateway", "orders");
    expect(edges(write(cache, [client]))).toEqual([]);
    expect(cache.pendingCount).toBe(1);
    const rows = write(cache, [server], NOW + 5000);
    expect(edges(rows)).toEqual(["gateway->orders calls=1 errors=0"]);
    expect(rows.edges[0].minuteMs).toBe(Date.UTC(2026, 10, 21, 10, 0));
    expect(cache.pendingCount).toBe(0);
    // Nothing is left to expire into a virtual edge.
    expect(edges(flush(cache, NOW + 120_000))).toEqual([]);
  });

  it("pairs server first, client in a later batch", () => {
    const cache = new EdgePairingCache();
    const [client, server] = pair(1, "gateway", "orders");
    expect(edges(write(cache, [server]))).toEqual([]);
    expect(cache.orphanCount).toBe(1);
    expect(edges(write(cache, [client], NOW + 5000))).toEqual(["gateway->orders calls=1 errors=0"]);
    expect(cache.orphanCount).toBe(0);
    expect(edges(flush(cache, NOW + 120_000))).toEqual([]);
  });

  it("counts many split pairs exactly once, whatever the batch boundaries and order", () => {
    const cache = new EdgePairingCache();
    const all = Array.from({ length: 200 }, (_, i) => pair(i + 1, "gateway", i % 2 ? "orders" : "payments")).flat();
    // Deterministic shuffle, then cut into uneven batches.
    const shuffled = all
      .map((s, i) => ({ s, k: (i * 7919) % 401 }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.s);
    const calls = new Map<string, number>();
    let offset = 0;
    for (let size = 1; offset < shuffled.length; size = (size * 3) % 37 || 5) {
      const rows = write(cache, shuffled.slice(offset, offset + size), NOW + offset);
      offset += size;
      for (const e of rows.edges)
        calls.set(`${e.callerService}->${e.callee}`, (calls.get(`${e.callerService}->${e.callee}`) ?? 0) + e.calls);
    }
    expect(Object.fromEntries(calls)).toEqual({ "gateway->orders": 100, "gateway->payments": 100 });
    expect(cache.pendingCount + cache.orphanCount).toBe(0);
  });

  it("counts a pair once when a span is repeated in the batch, and a pair whose write rolled back only on the retry", () => {
    const cache = new EdgePairingCache();
    const [client, server] = pair(1, "gateway", "orders");
    write(cache, [client]);
    const failed = computeRollups([server, server], cache, { nowMs: NOW + 1000 });
    expect(edges(failed.rows())).toEqual(["gateway->orders calls=1 errors=0"]);
    failed.abort(); // the transaction rolled back: the client goes back into the cache
    expect(cache.pendingCount).toBe(1);
    expect(edges(write(cache, [server, server], NOW + 2000))).toEqual(["gateway->orders calls=1 errors=0"]);
    expect(cache.pendingCount).toBe(0);
    const plan = computeRollups([], cache);
    plan.commit();
    expect(() => plan.abort()).toThrow(/already committed/);
  });

  it("does not pair a server with a parent that is not a client span", () => {
    const cache = new EdgePairingCache();
    const rows = write(cache, [
      span({ trace: 1, span: 1, service: "gateway", kind: SPAN_KIND.INTERNAL }),
      span({ trace: 1, span: 2, parent: 1, service: "orders", kind: SPAN_KIND.SERVER }),
      span({ trace: 1, span: 3, service: "orders", kind: SPAN_KIND.SERVER }), // a root
    ]);
    expect(edges(rows)).toEqual([]);
    expect(cache.orphanCount).toBe(0);
  });
});

describe("computeRollups: virtual nodes", () => {
  it("makes database and messaging clients edges to their system at once", () => {
    const cache = new EdgePairingCache();
    const rows = write(cache, [
      span({
        trace: 1,
        span: 1,
        service: "orders",
        kind: SPAN_KIND.CLIENT,
        peer: { dbSystem: "postgresql", serverAddress: "db" },
      }),
      span({ trace: 1, span: 2, service: "orders", kind: SPAN_KIND.CLIENT, peer: { dbSystem: "postgresql" }, isError: true }),
      span({ trace: 1, span: 3, service: "orders", kind: SPAN_KIND.PRODUCER, peer: { messagingSystem: "kafka" } }),
      // The consumer of that message is not paired again (its producer counted already).
      span({ trace: 1, span: 4, parent: 3, service: "shipping", kind: SPAN_KIND.CONSUMER, peer: { messagingSystem: "kafka" } }),
    ]);
    expect(edges(rows)).toEqual(["orders->kafka (virtual) calls=1 errors=0", "orders->postgresql (virtual) calls=2 errors=1"]);
    expect(cache.pendingCount + cache.orphanCount).toBe(0);
  });

  it("turns a client without a child into an edge to peer.service / server.address after the TTL", () => {
    const cache = new EdgePairingCache({ ttlMs: 60_000 });
    write(cache, [
      span({
        trace: 1,
        span: 1,
        service: "orders",
        kind: SPAN_KIND.CLIENT,
        peer: { peerService: "fraud", serverAddress: "10.0.0.9" },
      }),
      span({
        trace: 2,
        span: 1,
        service: "orders",
        kind: SPAN_KIND.CLIENT,
        peer: { serverAddress: "api.example.com" },
        isError: true,
      }),
      span({ trace: 3, span: 1, service: "orders", kind: SPAN_KIND.CLIENT }),
    ]);
    expect(edges(flush(cache, NOW + 59_999))).toEqual([]);
    expect(cache.pendingCount).toBe(3);
    const rows = flush(cache, NOW + 60_000);
    expect(edges(rows)).toEqual([
      "orders->api.example.com (virtual) calls=1 errors=1",
      "orders->fraud (virtual) calls=1 errors=0",
      "orders->unknown (virtual) calls=1 errors=0",
    ]);
    // Counted at the client's start minute, once.
    expect(rows.edges.every((e) => e.minuteMs === Date.UTC(2026, 10, 21, 10, 0))).toBe(true);
    expect(cache.pendingCount).toBe(0);
    expect(edges(flush(cache, NOW + 200_000))).toEqual([]);
  });

  it("a server child arriving before the TTL makes a real edge, not a virtual one", () => {
    const cache = new EdgePairingCache({ ttlMs: 60_000 });
    const [client, server] = pair(1, "gateway", "orders", { peer: { serverAddress: "orders.local" } });
    write(cache, [client]);
    expect(edges(write(cache, [server], NOW + 59_000))).toEqual(["gateway->orders calls=1 errors=0"]);
    expect(edges(flush(cache, NOW + 120_000))).toEqual([]);
  });

  it("forgets orphan servers after the TTL; their client, arriving later, pairs at its own TTL through the database", () => {
    const cache = new EdgePairingCache({ ttlMs: 60_000 });
    const [client, server] = pair(1, "gateway", "orders");
    write(cache, [server]);
    expect(edges(flush(cache, NOW + 61_000))).toEqual([]);
    expect(cache.orphanCount).toBe(0);
    expect(edges(write(cache, [client], NOW + 62_000))).toEqual([]);
    expect(cache.pendingCount).toBe(1);
    const plan = computeRollups([], cache, { nowMs: NOW + 122_000, takeExpired: true });
    expect(plan.expiredClients.map((c) => c.spanId)).toEqual([client.spanId]);
    plan.setDatabaseChildren(new Map([[client.traceId + client.spanId, "orders"]]));
    expect(edges(plan.rows())).toEqual(["gateway->orders calls=1 errors=0"]);
    plan.commit();
    expect(cache.pendingCount + cache.orphanCount).toBe(0);
  });

  it("evicts the oldest pending clients past maxEntries as if expired", () => {
    const cache = new EdgePairingCache({ ttlMs: 60_000, maxEntries: 2 });
    write(
      cache,
      [1, 2, 3].map((trace) => span({ trace, span: 1, service: "orders", kind: SPAN_KIND.CLIENT })),
    );
    expect(cache.pendingCount).toBe(3);
    expect(edges(flush(cache, NOW + 1))).toEqual(["orders->unknown (virtual) calls=1 errors=0"]);
    expect(cache.pendingCount).toBe(2);
  });
});

describe("computeRollups: two batches of ours in flight at once", () => {
  for (const serverCommitsFirst of [true, false]) {
    it(`pairs the halves of two batches in flight at once in memory, written once with the next batch (${serverCommitsFirst ? "server" : "client"} commits first)`, () => {
      const cache = new EdgePairingCache({ ttlMs: 60_000 });
      const [client, server] = pair(1, "gateway", "orders");
      const planC = computeRollups([client], cache, { nowMs: NOW });
      const planS = computeRollups([server], cache, { nowMs: NOW });
      expect(edges(planC.rows())).toEqual([]);
      expect(edges(planS.rows())).toEqual([]);
      for (const plan of serverCommitsFirst ? [planS, planC] : [planC, planS]) plan.commit();
      expect(cache.pendingCount + cache.orphanCount).toBe(0);
      // The next batch writes it; if that batch rolls back, the one after it does.
      const failed = computeRollups([], cache, { nowMs: NOW + 1000 });
      expect(edges(failed.rows())).toEqual(["gateway->orders calls=1 errors=0"]);
      expect(failed.readyEdgeCount).toBe(1);
      failed.abort();
      expect(edges(flush(cache, NOW + 2000))).toEqual(["gateway->orders calls=1 errors=0"]);
      expect(edges(flush(cache, NOW + 200_000))).toEqual([]);
    });
  }

  it("turns an expired client into a virtual edge without asking the database", () => {
    const cache = new EdgePairingCache({ pairsInDatabase: false, ttlMs: 60_000 });
    write(cache, [span({ trace: 1, span: 1, service: "orders", kind: SPAN_KIND.CLIENT, peer: { serverAddress: "x" } })]);
    expect(edges(flush(cache, NOW + 60_000))).toEqual(["orders->x (virtual) calls=1 errors=0"]);
  });
});

describe("computeRollups: expired clients and the database", () => {
  function planWith(cache: EdgePairingCache, spans: SpanSummary[], nowMs: number): RollupPlan {
    return computeRollups(spans, cache, { nowMs });
  }

  it("a span batch's plan never takes expired clients, so its transaction asks the database nothing", () => {
    const cache = new EdgePairingCache({ ttlMs: 60_000 });
    write(cache, [span({ trace: 1, span: 1, service: "gateway", kind: SPAN_KIND.CLIENT })]);
    const batch = planWith(cache, [span({ trace: 2, span: 5, service: "orders", kind: SPAN_KIND.SERVER })], NOW + 120_000);
    expect(batch.expiredClients).toEqual([]);
    batch.commit();
    expect(cache.pendingCount).toBe(1);
  });

  it("an expired client whose child the database holds (another process wrote it) is a real edge, else virtual", () => {
    const cache = new EdgePairingCache({ ttlMs: 60_000 });
    write(cache, [
      span({
        trace: 1,
        span: 1,
        service: "gateway",
        kind: SPAN_KIND.CLIENT,
        durationNs: 7_000_000,
        peer: { serverAddress: "orders.local" },
      }),
      span({
        trace: 2,
        span: 1,
        service: "gateway",
        kind: SPAN_KIND.CLIENT,
        peer: { serverAddress: "orders.local" },
        isError: true,
      }),
    ]);
    const plan = computeRollups([], cache, { nowMs: NOW + 60_000, takeExpired: true });
    expect(plan.expiredClients).toHaveLength(2);
    plan.setDatabaseChildren(new Map([[hex(1, 32) + hex(1, 16), "orders"]]));
    const rows = plan.rows();
    expect(edges(rows)).toEqual(["gateway->orders calls=1 errors=0", "gateway->orders.local (virtual) calls=1 errors=1"]);
    expect(rows.edges[0].durationSumUs).toBe(7000);
    plan.commit();
    expect(cache.pendingCount).toBe(0);
    expect(edges(flush(cache, NOW + 200_000))).toEqual([]);
  });

  it("gives expired clients back when the flush rolls back, and counts them once on the retry", () => {
    const cache = new EdgePairingCache({ ttlMs: 60_000 });
    write(cache, [span({ trace: 1, span: 1, service: "gateway", kind: SPAN_KIND.CLIENT, peer: { peerService: "fraud" } })]);
    const failed = computeRollups([], cache, { nowMs: NOW + 60_000, takeExpired: true });
    expect(failed.expiredClients).toHaveLength(1);
    failed.abort();
    expect(cache.pendingCount).toBe(1);
    expect(edges(flush(cache, NOW + 61_000))).toEqual(["gateway->fraud (virtual) calls=1 errors=0"]);
    expect(edges(flush(cache, NOW + 200_000))).toEqual([]);
  });

  it("lists the days its rows can fall in", () => {
    const cache = new EdgePairingCache();
    const plan = planWith(
      cache,
      [span({ trace: 1, span: 1, service: "a", kind: SPAN_KIND.SERVER, startUs: Date.UTC(2026, 10, 22, 0, 0, 1) * 1000 })],
      NOW,
    );
    expect([...plan.dayStartsMs]).toEqual([Date.UTC(2026, 10, 22)]);
    plan.abort();
  });
});
