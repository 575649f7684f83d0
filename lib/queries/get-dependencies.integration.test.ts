import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDependencies } from "./get-dependencies";
import { insertResource, insertSpans, type FixtureSpan, useTestDatabaseForQueries } from "./test-fixtures";

// 2025-11-21T10:00:00Z
const T0_US = 1_763_719_200_000_000n;
const T0_MS = 1_763_719_200_000;
const MINUTE_US = 60_000_000n;
const sid = (n: number) => n.toString(16).padStart(16, "0");
const tid = (n: number) => n.toString(16).padStart(32, "0");

function call(trace: number, base: number, startUs: bigint, chain: string[]): FixtureSpan[] {
  // A chain of services, each span the child of the previous one, one microsecond apart.
  return chain.map((service, i) => ({
    traceId: tid(trace),
    spanId: sid(base + i),
    parentSpanId: i === 0 ? undefined : sid(base + i - 1),
    name: `op-${service}`,
    startUs: startUs + BigInt(i),
    durationNs: 1_000n,
    service,
    resourceId: "1",
  }));
}

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await insertResource(db.pool, "1", "any", {});
  await insertSpans(db.pool, [
    // web → web (internal, not a dependency) → cart → db, twice; web → payments once.
    ...call(1, 100, T0_US + MINUTE_US, ["web", "web", "cart", "db"]),
    ...call(2, 200, T0_US + 2n * MINUTE_US, ["web", "web", "cart", "db"]),
    ...call(3, 300, T0_US + 3n * MINUTE_US, ["web", "payments"]),
    // An hour earlier: outside a 30-minute window ending at T0 + 30 min.
    ...call(4, 400, T0_US - 60n * MINUTE_US, ["web", "search"]),
    // A child whose parent started 10 minutes before the window: still counted.
    ...call(5, 500, T0_US - 10n * MINUTE_US, ["web"]),
    {
      traceId: tid(5),
      spanId: sid(501),
      parentSpanId: sid(500),
      name: "late",
      startUs: T0_US + 5n * MINUTE_US,
      durationNs: 1n,
      service: "batch",
      resourceId: "1",
    },
  ]);
});

afterAll(async () => {
  await db?.close();
});

describe("getDependencies", () => {
  it("counts parent → child calls across services in the window", async () => {
    expect(await getDependencies({ endMs: T0_MS + 30 * 60_000, lookbackMs: 30 * 60_000 })).toEqual([
      { parent: "cart", child: "db", callCount: 2 },
      { parent: "web", child: "batch", callCount: 1 },
      { parent: "web", child: "cart", callCount: 2 },
      { parent: "web", child: "payments", callCount: 1 },
    ]);
  });

  it("includes older links when the window reaches them", async () => {
    const links = await getDependencies({ endMs: T0_MS + 30 * 60_000, lookbackMs: 2 * 3_600_000 });
    expect(links).toContainEqual({ parent: "web", child: "search", callCount: 1 });
  });

  it("filters to links touching one service", async () => {
    expect(await getDependencies({ endMs: T0_MS + 30 * 60_000, lookbackMs: 30 * 60_000, service: "cart" })).toEqual([
      { parent: "cart", child: "db", callCount: 2 },
      { parent: "web", child: "cart", callCount: 2 },
    ]);
  });

  it("returns nothing for an empty window", async () => {
    expect(await getDependencies({ endMs: T0_MS - 2 * 3_600_000, lookbackMs: 60_000 })).toEqual([]);
  });
});
