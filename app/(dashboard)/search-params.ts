import { REFRESH_PARAM } from "@/lib/ui/refresh-interval";
import { TIME_RANGE_PARAMS } from "@/lib/ui/time-range";
import {
  DEFAULT_SERVICE_SORT,
  defaultDirectionFor,
  SERVICE_SORT_KEYS,
  type ServiceSort,
  type ServiceSortKey,
  type SortDirection,
} from "@/lib/ui/sort-services";

/**
 * The Overview's view state in the URL: `?sort=p95&dir=asc` (plus the shared `refresh` and the
 * time range, lib/ui/time-range: `range`, `from`, `to`). Defaults are left out.
 */
export const SORT_PARAM = "sort";
export const DIRECTION_PARAM = "dir";

type ParamReader = { get(name: string): string | null };

const isSortKey = (value: string | null): value is ServiceSortKey => SERVICE_SORT_KEYS.some((key) => key === value);
const isDirection = (value: string | null): value is SortDirection => value === "asc" || value === "desc";

export function parseServiceSort(params: ParamReader): ServiceSort {
  const key = params.get(SORT_PARAM);
  if (!isSortKey(key)) return DEFAULT_SERVICE_SORT;
  const direction = params.get(DIRECTION_PARAM);
  return { key, direction: isDirection(direction) ? direction : defaultDirectionFor(key) };
}

/** URL parameter values for a sort; the default sort and natural directions are left out. */
export function serializeServiceSort(sort: ServiceSort): Record<typeof SORT_PARAM | typeof DIRECTION_PARAM, string | null> {
  const isDefault = sort.key === DEFAULT_SERVICE_SORT.key && sort.direction === DEFAULT_SERVICE_SORT.direction;
  return {
    [SORT_PARAM]: isDefault ? null : sort.key,
    [DIRECTION_PARAM]: isDefault || sort.direction === defaultDirectionFor(sort.key) ? null : sort.direction,
  };
}

/** For the server page, whose `searchParams` is a plain object: the first value of each parameter. */
export function toSearchParams(record: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(record)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) params.set(name, first);
  }
  return params;
}

/**
 * The service detail page of `service`, keeping the view state that applies there too (the
 * time range and the refresh setting), so following a row keeps the window on screen. The
 * name is one encoded path segment: a name from the data never becomes a scheme or a host.
 */
export function serviceDetailHref(service: string, current: ParamReader): string {
  const params = new URLSearchParams();
  for (const name of [...TIME_RANGE_PARAMS, REFRESH_PARAM]) {
    const value = current.get(name);
    if (value !== null) params.set(name, value);
  }
  const query = params.toString();
  return `/services/${encodeURIComponent(service)}${query === "" ? "" : `?${query}`}`;
}
