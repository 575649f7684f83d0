import type { TraceSummaryDto } from "@/lib/query-client/traces-schemas";

export const TRACE_SORT_KEYS = ["start", "duration", "spans", "errors"] as const;
export type TraceSortKey = (typeof TRACE_SORT_KEYS)[number];
export type TraceSortDirection = "asc" | "desc";
export type TraceSort = { key: TraceSortKey; direction: TraceSortDirection };

/** Newest first, as the search returns them. */
export const DEFAULT_TRACE_SORT: TraceSort = { key: "start", direction: "desc" };

/** Clicking the active column flips it; another column starts with the largest / newest. */
export function nextTraceSort(current: TraceSort, key: TraceSortKey): TraceSort {
  if (current.key === key) return { key, direction: current.direction === "asc" ? "desc" : "asc" };
  return { key, direction: "desc" };
}

const value: Record<TraceSortKey, (t: TraceSummaryDto) => number> = {
  start: (t) => t.startTimeUs,
  duration: (t) => t.durationUs,
  spans: (t) => t.spanCount,
  errors: (t) => t.errorSpanCount,
};

/** A sorted copy; ties go newest first, then by trace id, so refreshes do not shuffle rows. */
export function sortTraceSummaries(traces: readonly TraceSummaryDto[], sort: TraceSort): TraceSummaryDto[] {
  const sign = sort.direction === "asc" ? 1 : -1;
  const of = value[sort.key];
  return [...traces].sort(
    (a, b) =>
      sign * (of(a) - of(b)) || b.startTimeUs - a.startTimeUs || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0),
  );
}

type ParamReader = { get(name: string): string | null };

/** `?sort=duration&dir=asc`; anything unknown falls back to the default. */
export function parseTraceSort(params: ParamReader): TraceSort {
  const key = params.get("sort");
  if (!TRACE_SORT_KEYS.some((k) => k === key)) return DEFAULT_TRACE_SORT;
  const dir = params.get("dir");
  return { key: key as TraceSortKey, direction: dir === "asc" ? "asc" : "desc" };
}

export function serializeTraceSort(sort: TraceSort): { sort: string | null; dir: string | null } {
  const isDefault = sort.key === DEFAULT_TRACE_SORT.key && sort.direction === DEFAULT_TRACE_SORT.direction;
  return { sort: isDefault ? null : sort.key, dir: isDefault || sort.direction === "desc" ? null : sort.direction };
}
