import { queryOptions } from "@tanstack/react-query";
import { breakersResponseSchema, breakerTransitionsResponseSchema } from "./breakers-schemas";
import { fetchJson } from "./fetch-json";

export const BREAKERS_API_PATH = "/api/v1/breakers";
export const BREAKER_TRANSITIONS_API_PATH = "/api/v1/breakers/transitions";

/**
 * Keys for the Breakers page (kept beside their query options; hierarchical like
 * lib/query-client/query-keys.ts, so `breakerQueryKeys.all` matches both queries).
 */
export const breakerQueryKeys = {
  all: ["breakers"] as const,
  list: () => [...breakerQueryKeys.all, "list"] as const,
  /** By window length, not by instants: the window slides with every refetch. */
  transitions: (rangeMs: number) => [...breakerQueryKeys.all, "transitions", rangeMs] as const,
};

/**
 * Every breaker's current state. Filters are applied in the browser: the open-breaker banner
 * must see every breaker whatever the table shows, and a deployment has hundreds at most.
 */
export function breakersQueryOptions() {
  return queryOptions({
    queryKey: breakerQueryKeys.list(),
    queryFn: ({ signal }) => fetchJson(BREAKERS_API_PATH, breakersResponseSchema, signal),
  });
}

/** The window [now − rangeMs, now], resolved when the query runs so it slides. */
export function resolveWindow(rangeMs: number, nowMs: number = Date.now()): { from: Date; to: Date } {
  return { from: new Date(nowMs - rangeMs), to: new Date(nowMs) };
}

/** Transitions of every breaker over the last `rangeMs`, plus the state each had at the window start. */
export function breakerTransitionsQueryOptions(rangeMs: number) {
  return queryOptions({
    queryKey: breakerQueryKeys.transitions(rangeMs),
    queryFn: ({ signal }) => {
      const { from, to } = resolveWindow(rangeMs);
      const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
      return fetchJson(`${BREAKER_TRANSITIONS_API_PATH}?${query}`, breakerTransitionsResponseSchema, signal);
    },
    // Keep the previous window on screen while a new range loads, instead of a skeleton flash.
    placeholderData: (previous) => previous,
  });
}
