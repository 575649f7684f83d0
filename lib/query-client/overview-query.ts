import { queryOptions } from "@tanstack/react-query";
import { fetchJson } from "./fetch-json";
import { overviewResponseSchema } from "./overview-schemas";

export const OVERVIEW_API_PATH = "/api/v1/overview";

/** Keys for the Overview, hierarchical like lib/query-client/query-keys.ts. */
export const overviewQueryKeys = {
  all: ["overview"] as const,
  /**
   * By the range's canonical URL parameters (timeRangeQuery), not by instants: a preset
   * window slides on the server with every refetch.
   */
  window: (rangeQuery: string) => [...overviewQueryKeys.all, rangeQuery] as const,
};

/**
 * Every service's rate, errors, latency, instances and breakers over a time range;
 * `rangeQuery` is timeRangeQuery(range) ("" for the default hour). Shared by the page's server
 * prefetch (which swaps in a direct database queryFn) and the client hook.
 */
export function overviewQueryOptions(rangeQuery: string) {
  return queryOptions({
    queryKey: overviewQueryKeys.window(rangeQuery),
    queryFn: ({ signal }) =>
      fetchJson(rangeQuery === "" ? OVERVIEW_API_PATH : `${OVERVIEW_API_PATH}?${rangeQuery}`, overviewResponseSchema, signal),
  });
}
