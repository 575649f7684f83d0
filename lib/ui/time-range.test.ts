import { describe, expect, it } from "vitest";
import {
  chooseBucketMs,
  describeTimeRange,
  listBucketStarts,
  MAX_SERIES_POINTS,
  parseTimeRange,
  resolveTimeRange,
  serializeTimeRange,
  TIME_RANGE_PRESET_MS,
  TIME_RANGE_PRESETS,
  type TimeRange,
  timeRangeQuery,
} from "./time-range";

const parse = (query: string) => parseTimeRange(new URLSearchParams(query));
const MINUTE_MS = 60_000;

describe("parseTimeRange", () => {
  it("defaults to the last hour", () => {
    expect(parse("")).toEqual({ range: { kind: "preset", preset: "1h" }, error: null });
    expect(parse("range=%20")).toEqual({ range: { kind: "preset", preset: "1h" }, error: null });
  });

  it("reads every preset", () => {
    for (const preset of TIME_RANGE_PRESETS) expect(parse(`range=${preset}`).range).toEqual({ kind: "preset", preset });
  });

  it("reads a custom range in ISO 8601 or epoch milliseconds", () => {
    expect(parse("range=custom&from=2026-01-01T00:00:00Z&to=1767229200000")).toEqual({
      range: { kind: "custom", fromMs: Date.UTC(2026, 0, 1), toMs: 1_767_229_200_000 },
      error: null,
    });
  });

  it("falls back to the default and names the bad parameter", () => {
    expect(parse("range=2w")).toMatchObject({ range: { kind: "preset", preset: "1h" }, error: { param: "range" } });
    expect(parse("range=custom")).toMatchObject({ range: { kind: "preset", preset: "1h" }, error: { param: "from" } });
    expect(parse("range=custom&from=yesterday&to=2026-01-01T00:00:00Z").error?.param).toBe("from");
    expect(parse("range=custom&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z").error).toEqual({
      param: "from",
      message: "the range starts after it ends",
    });
    // An empty window has no rate or percentile to show.
    expect(parse("range=custom&from=1000&to=1000").error?.param).toBe("from");
  });

  it("ignores from/to without range=custom", () => {
    expect(parse("range=6h&from=1&to=2").range).toEqual({ kind: "preset", preset: "6h" });
  });
});

describe("serializeTimeRange", () => {
  it("leaves the default out and clears from/to for presets", () => {
    expect(serializeTimeRange({ kind: "preset", preset: "1h" })).toEqual({ range: null, from: null, to: null });
    expect(serializeTimeRange({ kind: "preset", preset: "5m" })).toEqual({ range: "5m", from: null, to: null });
  });

  it("round-trips custom ranges as ISO instants", () => {
    const range: TimeRange = { kind: "custom", fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2026, 0, 1, 1) };
    expect(timeRangeQuery(range)).toBe("range=custom&from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-01T01%3A00%3A00.000Z");
    expect(parse(timeRangeQuery(range)).range).toEqual(range);
    for (const preset of TIME_RANGE_PRESETS) {
      expect(parse(timeRangeQuery({ kind: "preset", preset })).range).toEqual({ kind: "preset", preset });
    }
    expect(timeRangeQuery({ kind: "preset", preset: "1h" })).toBe("");
  });
});

describe("resolveTimeRange", () => {
  it("slides presets with now and keeps custom ranges", () => {
    expect(resolveTimeRange({ kind: "preset", preset: "5m" }, 1_000_000)).toEqual({ startMs: 700_000, endMs: 1_000_000 });
    expect(resolveTimeRange({ kind: "preset", preset: "24h" }, 100_000_000)).toEqual({
      startMs: 100_000_000 - 86_400_000,
      endMs: 100_000_000,
    });
    expect(resolveTimeRange({ kind: "custom", fromMs: 1, toMs: 2 }, 1_000_000)).toEqual({ startMs: 1, endMs: 2 });
  });
});

describe("chooseBucketMs", () => {
  it("picks round whole-minute buckets for the presets", () => {
    expect(chooseBucketMs(TIME_RANGE_PRESET_MS["5m"])).toBe(MINUTE_MS);
    expect(chooseBucketMs(TIME_RANGE_PRESET_MS["15m"])).toBe(MINUTE_MS);
    expect(chooseBucketMs(TIME_RANGE_PRESET_MS["1h"])).toBe(MINUTE_MS);
    expect(chooseBucketMs(TIME_RANGE_PRESET_MS["6h"])).toBe(5 * MINUTE_MS);
    expect(chooseBucketMs(TIME_RANGE_PRESET_MS["24h"])).toBe(15 * MINUTE_MS);
  });

  it("never goes below a minute, even for empty or tiny windows", () => {
    expect(chooseBucketMs(0)).toBe(MINUTE_MS);
    expect(chooseBucketMs(-5)).toBe(MINUTE_MS);
    expect(chooseBucketMs(1_000)).toBe(MINUTE_MS);
  });

  it("uses whole days past a day per bucket", () => {
    expect(chooseBucketMs(30 * 86_400_000)).toBe(6 * 3_600_000);
    expect(chooseBucketMs(200 * 86_400_000)).toBe(2 * 86_400_000);
  });

  it("makes every bucket of 5 minutes or more a multiple of 5 minutes (whole 5-minute rollup periods)", () => {
    for (let minutes = 1; minutes <= 60 * 24 * 45; minutes += 7) {
      const bucketMs = chooseBucketMs(minutes * MINUTE_MS);
      if (bucketMs >= 5 * MINUTE_MS) expect(bucketMs % (5 * MINUTE_MS)).toBe(0);
    }
  });

  it("keeps every window at most MAX_SERIES_POINTS buckets (plus one for an unaligned start)", () => {
    for (let minutes = 1; minutes <= 60 * 24 * 45; minutes += 7) {
      const windowMs = minutes * MINUTE_MS;
      const bucketMs = chooseBucketMs(windowMs);
      expect(bucketMs % MINUTE_MS).toBe(0);
      expect(Math.ceil(windowMs / bucketMs)).toBeLessThanOrEqual(MAX_SERIES_POINTS);
      expect(listBucketStarts(12_345, 12_345 + windowMs, bucketMs).length).toBeLessThanOrEqual(MAX_SERIES_POINTS + 1);
    }
  });
});

describe("listBucketStarts", () => {
  it("lists epoch-aligned bucket starts overlapping the window", () => {
    expect(listBucketStarts(90_000, 300_000, MINUTE_MS)).toEqual([60_000, 120_000, 180_000, 240_000]);
    expect(listBucketStarts(120_000, 240_000, 2 * MINUTE_MS)).toEqual([120_000]);
    expect(listBucketStarts(5, 5, MINUTE_MS)).toEqual([]);
  });
});

describe("describeTimeRange", () => {
  it("names presets and custom ranges for prose", () => {
    expect(describeTimeRange({ kind: "preset", preset: "1h" })).toBe("the last hour");
    expect(describeTimeRange({ kind: "preset", preset: "15m" })).toBe("the last 15 minutes");
    expect(describeTimeRange({ kind: "custom", fromMs: 1, toMs: 2 })).toBe("the chosen range");
  });
});
