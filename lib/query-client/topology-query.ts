import { queryOptions } from "@tanstack/react-query";
import { fetchJson } from "./fetch-json";
import { seriesResponseSchema, topologyResponseSchema } from "./topology-schemas";

export const TOPOLOGY_API_PATH = "/api/v1/topology";
export const EDGE_SERIES_API_PATH = "/api/v1/edges/series";

/** Keys for the Topology page, hierarchical like lib/query-client/query-keys.ts. */
export const topologyQueryKeys = {
  all: ["topology"] as const,
  /**
   * By the range's canonical URL parameters (timeRangeQuery, "" for the default hour), not
   * by instants: a preset window slides on the server with every refetch.
   */
  graph: (rangeQuery: string) => [...topologyQueryKeys.all, "graph", rangeQuery] as const,
  /** Calls to `callee` from `caller`, or from every caller when it is null. */
  edgeSeries: (caller: string | null, callee: string, rangeQuery: string) =>
    [...topologyQueryKeys.all, "edge-series", caller, callee, rangeQuery] as const,
};

const withQuery = (path: string, query: string) => (query === "" ? path : `${path}?${query}`);

/** The service graph over a range; shared by the page's server prefetch and the client hook. */
export function topologyQueryOptions(rangeQuery: string) {
  return queryOptions({
    queryKey: topologyQueryKeys.graph(rangeQuery),
    queryFn: ({ signal }) => fetchJson(withQuery(TOPOLOGY_API_PATH, rangeQuery), topologyResponseSchema, signal),
    // A new range keeps the old graph on screen (marked as loading) instead of a skeleton flash.
    placeholderData: (previous) => previous,
  });
}

/** One edge's (or, without a caller, one callee's) stats per time bucket over a range. */
export function edgeSeriesQueryOptions(caller: string | null, callee: string, rangeQuery: string) {
  return queryOptions({
    queryKey: topologyQueryKeys.edgeSeries(caller, callee, rangeQuery),
    queryFn: ({ signal }) => {
      const params = new URLSearchParams(rangeQuery);
      params.set("callee", callee);
      if (caller !== null) params.set("caller", caller);
      return fetchJson(`${EDGE_SERIES_API_PATH}?${params}`, seriesResponseSchema, signal);
    },
  });
}
