import { queryOptions } from "@tanstack/react-query";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./query-keys";
import { serviceDirectoryResponseSchema, servicesResponseSchema } from "./schemas";

export const SERVICES_API_PATH = "/api/v1/services";

/**
 * The services list. Shared by the Overview's server prefetch (which swaps in a direct
 * database `queryFn`) and its client hook (which adds the user's refresh interval).
 */
export function servicesQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.services.list(),
    queryFn: ({ signal }) => fetchJson(SERVICES_API_PATH, servicesResponseSchema, signal),
  });
}

export const SERVICE_DIRECTORY_API_PATH = "/api/v1/service-directory";

/** The Services page's list: services with spans and those that only send heartbeats. */
export function serviceDirectoryQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.services.directory(),
    queryFn: ({ signal }) => fetchJson(SERVICE_DIRECTORY_API_PATH, serviceDirectoryResponseSchema, signal),
  });
}
