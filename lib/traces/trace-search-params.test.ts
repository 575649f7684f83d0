import { describe, expect, it } from "vitest";
import { parseTraceSearch, resolveTimeRange, serializeTraceSearch } from "./trace-search-params";

const parse = (query: string) => parseTraceSearch(new URLSearchParams(query));

describe("parseTraceSearch", () => {
  it("defaults to the last hour, 100 traces, no filters", () => {
    const { search, errors } = parse("");
    expect(errors).toEqual([]);
    expect(search).toEqual({
      attributeFilterTexts: [],
      attributeFilters: [],
      range: { kind: "preset", preset: "1h" },
      limit: 100,
    });
  });

  it("reads every parameter", () => {
    const { search, errors } = parse(
      "service=gateway&operation=GET%20%2F&attr=http.response.status_code%3D500%7C503&attr=!breakwater.retry.attempt%3D0" +
        "&minDuration=100ms&maxDuration=2s&status=error&range=15m&limit=50",
    );
    expect(errors).toEqual([]);
    expect(search).toMatchObject({
      service: "gateway",
      operation: "GET /",
      attributeFilterTexts: ["http.response.status_code=500|503", "!breakwater.retry.attempt=0"],
      minDurationNs: 100_000_000n,
      maxDurationNs: 2_000_000_000n,
      status: "error",
      range: { kind: "preset", preset: "15m" },
      limit: 50,
    });
    expect(search.attributeFilters[1]).toEqual({
      key: "breakwater.retry.attempt",
      test: { op: "in", values: ["0"] },
      isNegated: true,
    });
  });

  it("reads a custom range in ISO or epoch milliseconds", () => {
    expect(parse("range=custom&from=2026-01-01T00:00:00Z&to=1767229200000").search.range).toEqual({
      kind: "custom",
      fromMs: Date.UTC(2026, 0, 1),
      toMs: 1_767_229_200_000,
    });
  });

  it("drops invalid parameters and says why", () => {
    const { search, errors } = parse("attr=%3Dx&minDuration=soon&maxDuration=1s&status=weird&range=2w&limit=0&attr=ok.key");
    expect(errors.map((e) => e.param)).toEqual(["attr", "minDuration", "status", "range", "limit"]);
    expect(search.attributeFilterTexts).toEqual(["ok.key"]);
    expect(search.maxDurationNs).toBe(1_000_000_000n);
    expect(search.range).toEqual({ kind: "preset", preset: "1h" });
    expect(parse("minDuration=2s&maxDuration=1s").errors[0].param).toBe("maxDuration");
    expect(parse("range=custom&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z").errors[0].param).toBe("from");
    expect(parse("range=custom").errors[0].param).toBe("from");
  });

  it("caps the limit", () => {
    expect(parse("limit=999999").search.limit).toBe(1_000);
  });
});

describe("serializeTraceSearch", () => {
  it("round-trips and leaves defaults out", () => {
    const query =
      "service=gateway&operation=GET+%2F&attr=a%3D1%7C2&attr=%21b&minDuration=1ms&maxDuration=1s&status=ok&range=custom" +
      "&from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-01T01%3A00%3A00.000Z&limit=20";
    const { search } = parse(query);
    expect(serializeTraceSearch(search).toString()).toBe(query);
    expect(serializeTraceSearch(parse("range=1h&limit=100").search).toString()).toBe("");
  });
});

describe("resolveTimeRange", () => {
  it("slides presets with now and keeps custom ranges", () => {
    expect(resolveTimeRange({ kind: "preset", preset: "5m" }, 1_000_000)).toEqual({ startMs: 700_000, endMs: 1_000_000 });
    expect(resolveTimeRange({ kind: "custom", fromMs: 1, toMs: 2 }, 1_000_000)).toEqual({ startMs: 1, endMs: 2 });
  });
});
