import { describe, expect, it } from "vitest";
import type { TraceSummaryDto } from "@/lib/query-client/traces-schemas";
import { logDurationTicks, toScatterPoints } from "./to-scatter-points";

const summary = (traceId: string, durationUs: number, errorSpanCount: number): TraceSummaryDto => ({
  traceId,
  rootServiceName: "gateway",
  rootSpanName: "GET /",
  hasRootSpan: true,
  startTimeUs: 1_700_000_000_000_000,
  durationUs,
  spanCount: 3,
  errorSpanCount,
  serviceNames: ["gateway"],
});

describe("toScatterPoints", () => {
  it("splits errors from the rest, in ms, with a floor for zero durations", () => {
    const { ok, error } = toScatterPoints([summary("a", 12_500, 0), summary("b", 0, 2)]);
    expect(ok).toEqual([{ traceId: "a", timeMs: 1_700_000_000_000, durationMs: 12.5, label: "gateway: GET /", hasError: false }]);
    expect(error).toEqual([
      { traceId: "b", timeMs: 1_700_000_000_000, durationMs: 0.001, label: "gateway: GET /", hasError: true },
    ]);
  });
});

describe("logDurationTicks", () => {
  it("spans the data with powers of ten", () => {
    expect(logDurationTicks([2.5, 340])).toEqual([1, 10, 100, 1_000]);
    expect(logDurationTicks([0.02, 0.05])).toEqual([0.01, 0.1]);
    expect(logDurationTicks([10])).toEqual([10, 100]);
    expect(logDurationTicks([])).toEqual([0.1, 1, 10, 100, 1_000]);
  });
});
