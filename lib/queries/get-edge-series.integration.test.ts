import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeriesPoint } from "@/lib/query-client/topology-schemas";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { getEdgeSeries } from "./get-edge-series";
import { ingestDemoShapeRollups } from "./topology-test-ingest";

// The demo shape twice, two minutes apart; edge series read back per bucket, worked out by
// hand (durations and errors: lib/queries/topology-test-fixtures).

const MINUTE_MS = 60_000;
/** An even minute (so 2-minute buckets start on it), at least ten minutes ago. */
const T0 = Math.floor(Date.now() / (2 * MINUTE_MS)) * 2 * MINUTE_MS - 10 * MINUTE_MS;
const NOW = T0 + 6 * MINUTE_MS;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await ingestDemoShapeRollups(db.pool, T0 + MINUTE_MS);
  await ingestDemoShapeRollups(db.pool, T0 + 3 * MINUTE_MS);
});
afterAll(async () => {
  await db?.close();
});

function expectWithin(actual: number | null, expected: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected) / expected, `${actual} vs ${expected}`).toBeLessThanOrEqual(0.0196);
}

const calls = (points: SeriesPoint[]) => points.map((point) => [point.startMs - T0, point.calls, point.errors]);

describe("getEdgeSeries", () => {
  it("gives every minute bucket of the window, quiet ones with zero calls", async () => {
    const series = await getEdgeSeries(
      { caller: "loadgen", callee: "gateway", fromMs: T0, toMs: T0 + 5 * MINUTE_MS, bucketMs: MINUTE_MS, nowMs: NOW },
      db.pool,
    );
    expect({ fromMs: series.fromMs, toMs: series.toMs, bucketMs: series.bucketMs }).toEqual({
      fromMs: T0,
      toMs: T0 + 5 * MINUTE_MS,
      bucketMs: MINUTE_MS,
    });
    expect(calls(series.points)).toEqual([
      [0, 0, 0],
      [MINUTE_MS, 20, 2],
      [2 * MINUTE_MS, 0, 0],
      [3 * MINUTE_MS, 20, 2],
      [4 * MINUTE_MS, 0, 0],
    ]);
    const busy = series.points[1];
    expect(busy.rps).toBeCloseTo(20 / 60, 10);
    expect(busy.errorRate).toBeCloseTo(0.1, 10);
    // loadgen's calls: 20…29 and 100…109 ms; p50 = 10th value, p95 = 19th, p99 = 20th.
    expectWithin(busy.p50Ms, 29);
    expectWithin(busy.p95Ms, 108);
    expectWithin(busy.p99Ms, 109);
    expect(series.points[0]).toMatchObject({ rps: 0, errorRate: null, p50Ms: null, p95Ms: null, p99Ms: null });
  });

  it("merges minutes into larger buckets and divides by the covered part of the live one", async () => {
    // 2-minute buckets; "now" half-way through the third, so it holds 1 min of time.
    const now = T0 + 5 * MINUTE_MS;
    const series = await getEdgeSeries(
      { caller: "orders", callee: "payments", fromMs: T0, toMs: now, bucketMs: 2 * MINUTE_MS, nowMs: now },
      db.pool,
    );
    expect(calls(series.points)).toEqual([
      [0, 10, 2],
      [2 * MINUTE_MS, 10, 2],
      [4 * MINUTE_MS, 0, 0],
    ]);
    expect(series.points[0].rps).toBeCloseTo(10 / 120, 10);
    expectWithin(series.points[0].p95Ms, 49);

    const live = await getEdgeSeries(
      {
        caller: "orders",
        callee: "payments",
        fromMs: T0,
        toMs: T0 + 4 * MINUTE_MS,
        bucketMs: 2 * MINUTE_MS,
        nowMs: T0 + 3.5 * MINUTE_MS,
      },
      db.pool,
    );
    // The second bucket (T0+2 … T0+4 min) is covered up to now, 1.5 min: 10 calls / 90 s.
    expect(live.points[1].calls).toBe(10);
    expect(live.points[1].rps).toBeCloseTo(10 / 90, 10);
  });

  it("without a caller, adds every call to the callee: a virtual node's traffic", async () => {
    const series = await getEdgeSeries(
      { callee: "postgresql", fromMs: T0, toMs: T0 + 6 * MINUTE_MS, bucketMs: 6 * MINUTE_MS, nowMs: NOW },
      db.pool,
    );
    // 6-minute buckets are aligned to the epoch: T0 may fall inside one.
    expect(series.points.reduce((sum, point) => sum + point.calls, 0)).toBe(20);
    expect(series.points.reduce((sum, point) => sum + point.errors, 0)).toBe(2);
  });

  it("is all zero for a pair without calls, and rejects buckets that are not whole minutes", async () => {
    const series = await getEdgeSeries(
      { caller: "catalog", callee: "orders", fromMs: T0, toMs: T0 + 2 * MINUTE_MS, bucketMs: MINUTE_MS, nowMs: NOW },
      db.pool,
    );
    expect(calls(series.points)).toEqual([
      [0, 0, 0],
      [MINUTE_MS, 0, 0],
    ]);
    await expect(
      getEdgeSeries({ callee: "orders", fromMs: T0, toMs: NOW, bucketMs: 90_000, nowMs: NOW }, db.pool),
    ).rejects.toThrow(/whole number of minutes/);
  });
});
