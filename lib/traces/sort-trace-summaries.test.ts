import { describe, expect, it } from "vitest";
import type { TraceSummaryDto } from "@/lib/query-client/traces-schemas";
import { nextTraceSort, parseTraceSort, serializeTraceSort, sortTraceSummaries } from "./sort-trace-summaries";

const summary = (
  traceId: string,
  startTimeUs: number,
  durationUs: number,
  spanCount: number,
  errorSpanCount = 0,
): TraceSummaryDto => ({
  traceId,
  rootServiceName: "s",
  rootSpanName: "op",
  hasRootSpan: true,
  startTimeUs,
  durationUs,
  spanCount,
  errorSpanCount,
  serviceNames: ["s"],
});

const traces = [summary("a", 1, 300, 2), summary("b", 3, 100, 9, 1), summary("c", 2, 300, 2)];
const ids = (list: TraceSummaryDto[]) => list.map((t) => t.traceId);

describe("sortTraceSummaries", () => {
  it("sorts by each key, ties newest first", () => {
    expect(ids(sortTraceSummaries(traces, { key: "start", direction: "desc" }))).toEqual(["b", "c", "a"]);
    expect(ids(sortTraceSummaries(traces, { key: "duration", direction: "desc" }))).toEqual(["c", "a", "b"]);
    expect(ids(sortTraceSummaries(traces, { key: "duration", direction: "asc" }))).toEqual(["b", "c", "a"]);
    expect(ids(sortTraceSummaries(traces, { key: "spans", direction: "desc" }))).toEqual(["b", "c", "a"]);
    expect(ids(sortTraceSummaries(traces, { key: "errors", direction: "desc" }))).toEqual(["b", "c", "a"]);
  });
});

describe("trace sort state", () => {
  it("flips the active column and starts others descending", () => {
    expect(nextTraceSort({ key: "start", direction: "desc" }, "start")).toEqual({ key: "start", direction: "asc" });
    expect(nextTraceSort({ key: "start", direction: "asc" }, "duration")).toEqual({ key: "duration", direction: "desc" });
  });

  it("round-trips through the URL, defaults left out", () => {
    expect(serializeTraceSort({ key: "start", direction: "desc" })).toEqual({ sort: null, dir: null });
    const sort = { key: "duration", direction: "asc" } as const;
    const params = new URLSearchParams(serializeTraceSort(sort) as Record<string, string>);
    expect(parseTraceSort(params)).toEqual(sort);
    expect(parseTraceSort(new URLSearchParams("sort=bogus&dir=asc"))).toEqual({ key: "start", direction: "desc" });
  });
});
