import { parseOperationSort, serializeOperationSort, type OperationSort } from "@/lib/service-detail/sort-operations";
import {
  type OperationFilter,
  type ParamReader,
  parseOperationFilter,
  serializeOperationFilter,
} from "@/lib/service-detail/service-detail-params";
import { parseTimeRange, type TimeRange, type TimeRangeParamError } from "@/lib/ui/time-range";

/**
 * The service detail page's view state in the URL: the shared time range (`range`, `from`,
 * `to`), the charted operation (`operation`, `kind`), the operations table's order (`sort`,
 * `dir`), plus the shell's `refresh`. Defaults are left out.
 */
export type ServiceDetailView = {
  range: TimeRange;
  filter: OperationFilter | null;
  sort: OperationSort;
  /** Parameters that were ignored, with why. */
  errors: { param: string; message: string }[];
};

export function parseServiceDetailView(params: ParamReader): ServiceDetailView {
  const { range, error: rangeError } = parseTimeRange(params);
  const { filter, error: filterError } = parseOperationFilter(params);
  const errors: ServiceDetailView["errors"] = [];
  const add = (error: TimeRangeParamError | { param: string; message: string } | null) => {
    if (error !== null) errors.push(error);
  };
  add(rangeError);
  add(filterError);
  return { range, filter, sort: parseOperationSort(params), errors };
}

/** URL changes for a (partial) view change; null removes a parameter. */
export function serializeServiceDetailView(
  view: Partial<Pick<ServiceDetailView, "filter" | "sort">>,
): Record<string, string | null> {
  return {
    ...(view.filter !== undefined ? serializeOperationFilter(view.filter) : {}),
    ...(view.sort !== undefined ? serializeOperationSort(view.sort) : {}),
  };
}
