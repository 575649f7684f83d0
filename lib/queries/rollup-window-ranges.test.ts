import { describe, expect, it } from "vitest";
import { type RollupLevel, SERVICE_TOTALS } from "@/lib/rollups/rollup-levels";
import { type RollupPart, mayUseCoarseRows, rollupRowsSql, rowsPerBucket, splitRollupWindow } from "./rollup-window-ranges";

const MINUTE_MS = 60_000;
/** Minutes after 2026-11-21T10:00Z (a multiple of 15 minutes since the epoch). */
const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);
const m = (minutes: number) => T0 + minutes * MINUTE_MS;
const parts = (list: [RollupLevel, number, number][]): RollupPart[] =>
  list.map(([level, from, to]) => ({ level, fromMs: m(from), toMs: m(to) }));

describe("splitRollupWindow", () => {
  it("reads minute rows only while nothing is sealed", () => {
    expect(splitRollupWindow(m(-62), m(18), null)).toEqual(parts([["minute", -62, 18]]));
  });

  it("takes sealed quarters, then sealed 5-minute periods at their sides, then minutes", () => {
    // Window 08:58 → 10:18, sealed until 10:10.
    expect(splitRollupWindow(m(-62), m(18), m(10))).toEqual(
      parts([
        ["minute", -62, -60],
        ["quarter", -60, 0],
        ["five_minute", 0, 10],
        ["minute", 10, 18],
      ]),
    );
    expect(splitRollupWindow(m(-58), m(18), m(15))).toEqual(
      parts([
        ["minute", -58, -55],
        ["five_minute", -55, -45],
        ["quarter", -45, 15],
        ["minute", 15, 18],
      ]),
    );
  });

  it("uses only levels whose period divides the bucket", () => {
    // 5-minute buckets: no quarters.
    expect(splitRollupWindow(m(-62), m(18), m(10), 5 * MINUTE_MS)).toEqual(
      parts([
        ["minute", -62, -60],
        ["five_minute", -60, 10],
        ["minute", 10, 18],
      ]),
    );
    // 30-minute buckets: both.
    expect(splitRollupWindow(m(-62), m(18), m(10), 30 * MINUTE_MS)).toEqual(
      parts([
        ["minute", -62, -60],
        ["quarter", -60, 0],
        ["five_minute", 0, 10],
        ["minute", 10, 18],
      ]),
    );
    // 2- and 3-minute buckets: minutes only.
    for (const bucketMinutes of [1, 2, 3]) {
      expect(splitRollupWindow(m(-62), m(18), m(10), bucketMinutes * MINUTE_MS)).toEqual(parts([["minute", -62, 18]]));
    }
  });

  it("reads minutes for a window without a whole sealed period", () => {
    expect(splitRollupWindow(m(1), m(9), m(10))).toEqual(parts([["minute", 1, 9]]));
    expect(splitRollupWindow(m(12), m(30), m(15))).toEqual(parts([["minute", 12, 30]]));
  });
});

describe("mayUseCoarseRows", () => {
  it("says whether a fitting period lies wholly inside the window", () => {
    expect(mayUseCoarseRows(m(0), m(5))).toBe(true);
    expect(mayUseCoarseRows(m(1), m(9))).toBe(false);
    expect(mayUseCoarseRows(m(0), m(60), 2 * MINUTE_MS)).toBe(false);
    expect(mayUseCoarseRows(m(0), m(60), 15 * MINUTE_MS)).toBe(true);
  });
});

describe("rowsPerBucket", () => {
  it("averages rows per bucket over the parts", () => {
    expect(rowsPerBucket(parts([["quarter", -60, 0]]), 15 * MINUTE_MS)).toBe(1);
    expect(rowsPerBucket(parts([["five_minute", -60, 0]]), 15 * MINUTE_MS)).toBe(3);
    expect(rowsPerBucket(parts([["minute", 0, 60]]), MINUTE_MS)).toBe(1);
    // 24 h in 15-minute buckets: a partial minute bucket at each end, quarters between.
    const day = parts([
      ["minute", -1_440, -1_432],
      ["quarter", -1_425, 0],
      ["minute", 0, 7],
    ]);
    expect(rowsPerBucket(day, 15 * MINUTE_MS)).toBeLessThan(1.2);
  });
});

describe("rollupRowsSql", () => {
  it("reads each part from its level's table, the bounds appended as parameters", () => {
    const params: unknown[] = ["orders"];
    const sql = rollupRowsSql(
      SERVICE_TOTALS,
      parts([
        ["minute", -62, -60],
        ["quarter", -60, 0],
      ]),
      "calls",
      "service_name = $1",
      params,
    );
    expect(sql).toBe(
      "SELECT calls FROM service_minute_totals WHERE service_name = $1 AND minute >= $2 AND minute < $3\n" +
        "    UNION ALL\n" +
        "    SELECT calls FROM service_quarter_totals WHERE service_name = $1 AND minute >= $4 AND minute < $5",
    );
    expect(params).toEqual([
      "orders",
      "2026-11-21T08:58:00.000Z",
      "2026-11-21T09:00:00.000Z",
      "2026-11-21T09:00:00.000Z",
      "2026-11-21T10:00:00.000Z",
    ]);
  });
});
