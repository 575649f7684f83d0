import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { fetchJson } from "./fetch-json";
import { traceDetailResponseSchema, traceSearchResponseSchema } from "./traces-schemas";

export const TRACES_API_PATH = "/api/v1/traces";

/** Keys for the trace pages, hierarchical like lib/query-client/query-keys.ts. */
export const traceQueryKeys = {
  all: ["traces"] as const,
  /**
   * By the search's canonical URL parameters (lib/traces/trace-search-params), not by
   * instants: a preset window slides on the server with every refetch.
   */
  search: (searchQuery: string) => [...traceQueryKeys.all, "search", searchQuery] as const,
  detail: (traceId: string) => [...traceQueryKeys.all, "detail", traceId] as const,
  operations: (service: string) => [...traceQueryKeys.all, "operations", service] as const,
};

/** Trace summaries for a search; `searchQuery` is serializeTraceSearch(…).toString(). */
export function traceSearchQueryOptions(searchQuery: string) {
  return queryOptions({
    queryKey: traceQueryKeys.search(searchQuery),
    queryFn: ({ signal }) => fetchJson(`${TRACES_API_PATH}?${searchQuery}`, traceSearchResponseSchema, signal),
  });
}

/** Every span of one trace. Stored spans never change, but late ones may still arrive. */
export function traceDetailQueryOptions(traceId: string) {
  return queryOptions({
    queryKey: traceQueryKeys.detail(traceId),
    queryFn: ({ signal }) => fetchJson(`${TRACES_API_PATH}/${encodeURIComponent(traceId)}`, traceDetailResponseSchema, signal),
  });
}

const operationsResponseSchema = z.object({ data: z.array(z.string()).nullable() });

/** A service's span names, for the operation picker (Jaeger API, which the UI can read as well). */
export function operationsQueryOptions(service: string) {
  return queryOptions({
    queryKey: traceQueryKeys.operations(service),
    queryFn: async ({ signal }) => {
      const body = await fetchJson(`/api/services/${encodeURIComponent(service)}/operations`, operationsResponseSchema, signal);
      return body.data ?? [];
    },
  });
}
