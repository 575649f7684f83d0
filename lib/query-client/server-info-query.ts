import { queryOptions } from "@tanstack/react-query";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./query-keys";
import { serverInfoSchema } from "./schemas";

export const SERVER_INFO_API_PATH = "/api/v1/info";

/** Ports, role and ingest-token requirement: configuration, so it never goes stale in a session. */
export function serverInfoQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.serverInfo(),
    queryFn: ({ signal }) => fetchJson(SERVER_INFO_API_PATH, serverInfoSchema, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
