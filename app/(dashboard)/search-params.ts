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
