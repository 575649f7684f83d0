import type { ServiceSummary } from "@/lib/query-client/schemas";

export const SERVICE_SORT_KEYS = ["name", "spans", "lastSeen", "firstSeen"] as const;
export type ServiceSortKey = (typeof SERVICE_SORT_KEYS)[number];
export type SortDirection = "asc" | "desc";
export type ServiceSort = { key: ServiceSortKey; direction: SortDirection };

export const DEFAULT_SERVICE_SORT: ServiceSort = { key: "name", direction: "asc" };

/** Names sort alphabetically; numbers and times start with the biggest / most recent. */
export function defaultDirectionFor(key: ServiceSortKey): SortDirection {
  return key === "name" ? "asc" : "desc";
}

/** Clicking the active column flips it; another column starts in its natural direction. */
export function nextSort(current: ServiceSort, key: ServiceSortKey): ServiceSort {
  if (current.key === key) return { key, direction: current.direction === "asc" ? "desc" : "asc" };
  return { key, direction: defaultDirectionFor(key) };
}

// A fixed locale keeps server and client renders in the same order; numeric so svc-2 < svc-10.
const nameCollator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

type Comparator = (a: ServiceSummary, b: ServiceSummary) => number;

const compareBy: Record<ServiceSortKey, Comparator> = {
  name: (a, b) => nameCollator.compare(a.name, b.name),
  spans: (a, b) => a.spanCount - b.spanCount,
  lastSeen: (a, b) => Date.parse(a.lastSeen) - Date.parse(b.lastSeen),
  firstSeen: (a, b) => Date.parse(a.firstSeen) - Date.parse(b.firstSeen),
};

/** A sorted copy; ties fall back to the name (ascending) so the order is stable across refreshes. */
export function sortServices<T extends ServiceSummary>(services: readonly T[], sort: ServiceSort): T[] {
  const sign = sort.direction === "asc" ? 1 : -1;
  const primary = compareBy[sort.key];
  return [...services].sort(
    (a, b) => sign * primary(a, b) || compareBy.name(a, b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}
