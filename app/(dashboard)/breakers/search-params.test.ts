import { describe, expect, it } from "vitest";
import { toSearchParams } from "@/lib/ui/search-params";
import { DEFAULT_TIME_RANGE, parseBreakersView, serializeBreakersView, TIME_RANGES } from "./search-params";

const parse = (query: string) => parseBreakersView(new URLSearchParams(query));

describe("parseBreakersView", () => {
  it("defaults to the last hour, every service and every state", () => {
    expect(parse("")).toEqual({ range: DEFAULT_TIME_RANGE, service: null, state: null });
    expect(DEFAULT_TIME_RANGE.id).toBe("1h");
  });

  it("reads the range, service and state", () => {
    const view = parse("range=6h&service=payments&state=half_open");
    expect(view.range.ms).toBe(6 * 3_600_000);
    expect(view).toMatchObject({ service: "payments", state: "half_open" });
  });

  it("ignores values it does not know rather than failing", () => {
    expect(parse("range=2d&service=%3Cimg%3E&state=broken")).toEqual({ range: DEFAULT_TIME_RANGE, service: null, state: null });
  });

  it("reads a Next.js searchParams object, first value of a repeated key", () => {
    expect(parseBreakersView(toSearchParams({ range: ["5m", "24h"], state: "open" }))).toMatchObject({
      range: TIME_RANGES[0],
      state: "open",
    });
  });
});

describe("serializeBreakersView", () => {
  it("leaves defaults out and touches only the given fields", () => {
    expect(serializeBreakersView({ range: DEFAULT_TIME_RANGE })).toEqual({ range: null });
    expect(serializeBreakersView({ range: TIME_RANGES[4], state: "open" })).toEqual({ range: "24h", state: "open" });
    expect(serializeBreakersView({ service: null })).toEqual({ service: null });
  });
});
