import type { OverviewService } from "@/lib/query-client/overview-schemas";
import { isOwnerReporting } from "@/lib/breakers/summarize-breakers";

export const SERVICE_SORT_KEYS = ["name", "rate", "errors", "p50", "p95", "p99", "instances", "breakers"] as const;
export type ServiceSortKey = (typeof SERVICE_SORT_KEYS)[number];
export type SortDirection = "asc" | "desc";
export type ServiceSort = { key: ServiceSortKey; direction: SortDirection };

export const DEFAULT_SERVICE_SORT: ServiceSort = { key: "name", direction: "asc" };

/** Names sort alphabetically; numbers and times start with the biggest / most recent / worst. */
export function defaultDirectionFor(key: ServiceSortKey): SortDirection {
  return key === "name" ? "asc" : "desc";
}

/** Clicking the active column flips it; another column starts in its natural direction. */
export function nextSort(current: ServiceSort, key: ServiceSortKey): ServiceSort {
  if (current.key === key) return { key, direction: current.direction === "asc" ? "desc" : "asc" };
  return { key, direction: defaultDirectionFor(key) };
}

/** Breakers not closed whose owner still reports (the live ones; stale ones count after). */
export function countLiveBreakers(service: Pick<OverviewService, "breakers">): number {
  return service.breakers.filter((breaker) => isOwnerReporting(breaker.ownerStatus)).length;
}

// A fixed locale keeps server and client renders in the same order; numeric so svc-2 < svc-10.
const nameCollator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/**
 * The value each column sorts by; null (no requests in the window, never sent a span) always
 * sorts last, whichever the direction, so services with data stay on top.
 */
const sortValue: Record<Exclude<ServiceSortKey, "name">, (service: OverviewService) => number | null> = {
  rate: (s) => (s.basis === null ? null : s.requestRate),
  errors: (s) => s.errorPercent,
  p50: (s) => s.p50Ms,
  p95: (s) => s.p95Ms,
  p99: (s) => s.p99Ms,
  // Most instances not healthy first, then the most instances (as one number: not-healthy dominates).
  instances: (s) => (s.instances.total - s.instances.healthy) * 1e6 + s.instances.total,
  // Live breakers first, then stale ones.
  breakers: (s) => countLiveBreakers(s) * 1e6 + s.breakers.length,
};

const compareNames = (a: OverviewService, b: OverviewService) =>
  nameCollator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** A sorted copy; ties fall back to the name (ascending) so the order is stable across refreshes. */
export function sortServices<T extends OverviewService>(services: readonly T[], sort: ServiceSort): T[] {
  const sign = sort.direction === "asc" ? 1 : -1;
  if (sort.key === "name") return [...services].sort((a, b) => sign * compareNames(a, b));
  const valueOf = sortValue[sort.key];
  return [...services].sort((a, b) => {
    const va = valueOf(a);
    const vb = valueOf(b);
    if (va === null || vb === null) return (va === null ? 1 : 0) - (vb === null ? 1 : 0) || compareNames(a, b);
    return sign * (va - vb) || compareNames(a, b);
  });
}
