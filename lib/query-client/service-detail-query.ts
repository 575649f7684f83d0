import { queryOptions } from "@tanstack/react-query";
import { appendOperationFilter, type OperationFilter } from "@/lib/service-detail/service-detail-params";
import { appendTimeRange, type TimeRange, timeRangeQuery } from "@/lib/ui/time-range";
import { fetchJson } from "./fetch-json";
import {
  serviceAnnotationsResponseSchema,
  serviceEdgesResponseSchema,
  serviceInstancesResponseSchema,
  serviceOperationsResponseSchema,
  serviceSeriesResponseSchema,
  serviceSummaryResponseSchema,
} from "./service-detail-schemas";

export const SERVICES_API_PATH = "/api/v1/services";

/** `/api/v1/services/{name}` (any characters in the name, encoded). */
export const serviceApiPath = (service: string) => `${SERVICES_API_PATH}/${encodeURIComponent(service)}`;

/**
 * Keys for the service detail page, hierarchical (`serviceDetailQueryKeys.service(name)`
 * matches every query of one service). By the range's URL form, not by instants: a preset
 * window slides with every refetch.
 */
export const serviceDetailQueryKeys = {
  all: ["service-detail"] as const,
  service: (service: string) => [...serviceDetailQueryKeys.all, service] as const,
  summary: (service: string, range: TimeRange) =>
    [...serviceDetailQueryKeys.service(service), "summary", timeRangeQuery(range)] as const,
  series: (service: string, range: TimeRange, filter: OperationFilter | null) =>
    [
      ...serviceDetailQueryKeys.service(service),
      "series",
      timeRangeQuery(range),
      appendOperationFilter(new URLSearchParams(), filter).toString(),
    ] as const,
  operations: (service: string, range: TimeRange) =>
    [...serviceDetailQueryKeys.service(service), "operations", timeRangeQuery(range)] as const,
  edges: (service: string, range: TimeRange) =>
    [...serviceDetailQueryKeys.service(service), "edges", timeRangeQuery(range)] as const,
  instances: (service: string, range: TimeRange) =>
    [...serviceDetailQueryKeys.service(service), "instances", timeRangeQuery(range)] as const,
  annotations: (service: string, range: TimeRange) =>
    [...serviceDetailQueryKeys.service(service), "annotations", timeRangeQuery(range)] as const,
};

/**
 * placeholderData that keeps the previous data while another range or operation of the same
 * service loads (instead of a skeleton flash), never another service's.
 */
function keepSameService(service: string) {
  return <T>(previous: T | undefined, previousQuery: { queryKey: readonly unknown[] } | undefined): T | undefined =>
    previousQuery?.queryKey[1] === service ? previous : undefined;
}

function withQuery(path: string, range: TimeRange, filter: OperationFilter | null = null): string {
  const query = appendOperationFilter(appendTimeRange(new URLSearchParams(), range), filter).toString();
  return query === "" ? path : `${path}?${query}`;
}

/** Whether the service exists (404 → an ApiError with status 404, which the page shows as "unknown service"). */
export function serviceSummaryQueryOptions(service: string, range: TimeRange) {
  return queryOptions({
    queryKey: serviceDetailQueryKeys.summary(service, range),
    queryFn: ({ signal }) => fetchJson(withQuery(serviceApiPath(service), range), serviceSummaryResponseSchema, signal),
  });
}

/** RED + p50/p95/p99 per bucket, of the service or of one operation. */
export function serviceSeriesQueryOptions(service: string, range: TimeRange, filter: OperationFilter | null) {
  return queryOptions({
    queryKey: serviceDetailQueryKeys.series(service, range, filter),
    queryFn: ({ signal }) =>
      fetchJson(withQuery(`${serviceApiPath(service)}/series`, range, filter), serviceSeriesResponseSchema, signal),
    placeholderData: keepSameService(service),
  });
}

export function serviceOperationsQueryOptions(service: string, range: TimeRange) {
  return queryOptions({
    queryKey: serviceDetailQueryKeys.operations(service, range),
    queryFn: ({ signal }) =>
      fetchJson(withQuery(`${serviceApiPath(service)}/operations`, range), serviceOperationsResponseSchema, signal),
    placeholderData: keepSameService(service),
  });
}

export function serviceEdgesQueryOptions(service: string, range: TimeRange) {
  return queryOptions({
    queryKey: serviceDetailQueryKeys.edges(service, range),
    queryFn: ({ signal }) => fetchJson(withQuery(`${serviceApiPath(service)}/edges`, range), serviceEdgesResponseSchema, signal),
    placeholderData: keepSameService(service),
  });
}

export function serviceInstancesQueryOptions(service: string, range: TimeRange) {
  return queryOptions({
    queryKey: serviceDetailQueryKeys.instances(service, range),
    queryFn: ({ signal }) =>
      fetchJson(withQuery(`${serviceApiPath(service)}/instances`, range), serviceInstancesResponseSchema, signal),
    placeholderData: keepSameService(service),
  });
}

export function serviceAnnotationsQueryOptions(service: string, range: TimeRange) {
  return queryOptions({
    queryKey: serviceDetailQueryKeys.annotations(service, range),
    queryFn: ({ signal }) =>
      fetchJson(withQuery(`${serviceApiPath(service)}/annotations`, range), serviceAnnotationsResponseSchema, signal),
    placeholderData: keepSameService(service),
  });
}
