import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import {
  routeDetailSchema,
  routeHistorySchema,
  routeListSchema,
  routeSplitSeriesSchema,
  routeVersionRedSchema,
} from "@/lib/traffic/contract";
import { fetchJson } from "./fetch-json";

/**
 * The Traffic page's queries. Keys are hierarchical: `trafficQueryKeys.route(id)` matches
 * every query of one route (detail, history, split, versions), which a save invalidates.
 */

export const ROUTES_API_PATH = "/api/v1/routes";
export const routeApiPath = (id: string) => `${ROUTES_API_PATH}/${encodeURIComponent(id)}`;

/** The windows the split chart and the per-version table offer (the API's `range`). */
export const TRAFFIC_RANGES = ["5m", "15m", "1h"] as const;
export type TrafficRange = (typeof TRAFFIC_RANGES)[number];

export const HISTORY_PAGE_SIZE = 20;

export const trafficQueryKeys = {
  all: ["traffic"] as const,
  routes: () => [...trafficQueryKeys.all, "routes"] as const,
  route: (id: string) => [...trafficQueryKeys.all, "route", id] as const,
  detail: (id: string) => [...trafficQueryKeys.route(id), "detail"] as const,
  history: (id: string) => [...trafficQueryKeys.route(id), "history"] as const,
  split: (id: string, range: TrafficRange) => [...trafficQueryKeys.route(id), "split", range] as const,
  versions: (id: string, range: TrafficRange) => [...trafficQueryKeys.route(id), "versions", range] as const,
  instances: (service: string) => [...trafficQueryKeys.all, "instances", service] as const,
};

export function routesQueryOptions() {
  return queryOptions({
    queryKey: trafficQueryKeys.routes(),
    queryFn: ({ signal }) => fetchJson(ROUTES_API_PATH, routeListSchema, signal),
  });
}

/** Configured weights, apply status per gateway, observed split now. */
export function routeDetailQueryOptions(id: string) {
  return queryOptions({
    queryKey: trafficQueryKeys.detail(id),
    queryFn: ({ signal }) => fetchJson(routeApiPath(id), routeDetailSchema, signal),
  });
}

/** The audit trail, newest first, a page at a time ("older" passes the last page's nextBefore). */
export function routeHistoryQueryOptions(id: string) {
  return infiniteQueryOptions({
    queryKey: trafficQueryKeys.history(id),
    queryFn: ({ signal, pageParam }) => {
      const query = new URLSearchParams({ limit: String(HISTORY_PAGE_SIZE) });
      if (pageParam !== null) query.set("before", String(pageParam));
      return fetchJson(`${routeApiPath(id)}/history?${query}`, routeHistorySchema, signal);
    },
    initialPageParam: null as number | null,
    getNextPageParam: (page) => page.nextBefore,
  });
}

export function routeSplitQueryOptions(id: string, range: TrafficRange) {
  return queryOptions({
    queryKey: trafficQueryKeys.split(id, range),
    queryFn: ({ signal }) => fetchJson(`${routeApiPath(id)}/split?range=${range}`, routeSplitSeriesSchema, signal),
    // Another range of the same route keeps the chart up while it loads.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[2] === id ? previous : undefined),
  });
}

export function routeVersionsQueryOptions(id: string, range: TrafficRange) {
  return queryOptions({
    queryKey: trafficQueryKeys.versions(id, range),
    queryFn: ({ signal }) => fetchJson(`${routeApiPath(id)}/versions?range=${range}`, routeVersionRedSchema, signal),
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[2] === id ? previous : undefined),
  });
}

/** What the instance-weight editor needs of GET /api/v1/instances (other members are ignored). */
export const routeInstancesSchema = z.object({
  instances: z.array(z.object({ instanceId: z.string(), service: z.string(), version: z.string(), status: z.string() })),
});
export type RouteInstances = z.infer<typeof routeInstancesSchema>;

export function serviceInstancesForRouteQueryOptions(service: string) {
  return queryOptions({
    queryKey: trafficQueryKeys.instances(service),
    queryFn: ({ signal }) => fetchJson(`/api/v1/instances?service=${encodeURIComponent(service)}`, routeInstancesSchema, signal),
  });
}
