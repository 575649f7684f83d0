import { parseDurationNs } from "@/lib/jaeger/parse-duration";
import { appendTimeRange, DEFAULT_TIME_RANGE, parseTimeRange, TIME_RANGE_PARAMS, type TimeRange } from "@/lib/ui/time-range";
import { type AttributeFilter, parseAttributeFilter } from "./parse-attribute-filter";

// The time range is the dashboard's shared one (lib/ui/time-range); re-exported for the
// traces modules that already import it from here.
export {
  DEFAULT_TIME_RANGE_PRESET,
  resolveTimeRange,
  TIME_RANGE_PRESETS,
  type TimeRange,
  type TimeRangePreset,
} from "@/lib/ui/time-range";

/**
 * The Traces page's search, as URL parameters. The page and GET /api/v1/traces read the same
 * parameters with this one function, so a shared link, the page and the API always agree:
 *
 *   service=orders            the service one matching span belongs to (required by the API)
 *   operation=GET%20/         that span's name
 *   attr=k%3Dv                attribute filters, repeated, all must hold (parse-attribute-filter)
 *   minDuration=100ms         span duration bounds, Go-style durations (1.5s, 250ms, 40us)
 *   maxDuration=2s
 *   status=ok|error|unset     that span's status
 *   range=5m|15m|1h|6h|24h    a window ending now (default 1h), or
 *   range=custom&from=ISO&to=ISO   (lib/ui/time-range)
 *   limit=100                 most traces returned (default 100, at most 1000)
 */

export const TRACE_STATUSES = ["ok", "error", "unset"] as const;
export type TraceStatusFilter = (typeof TRACE_STATUSES)[number];

export const DEFAULT_TRACE_LIMIT = 100;
export const MAX_TRACE_LIMIT = 1_000;

export type TraceSearch = {
  service?: string;
  operation?: string;
  /** The filters as written (kept for the URL and the inputs), each one valid. */
  attributeFilterTexts: string[];
  attributeFilters: AttributeFilter[];
  minDuration?: string;
  maxDuration?: string;
  minDurationNs?: bigint;
  maxDurationNs?: bigint;
  status?: TraceStatusFilter;
  range: TimeRange;
  limit: number;
};

export type ParsedTraceSearch = { search: TraceSearch; errors: { param: string; message: string }[] };

type ParamReader = { get(name: string): string | null; getAll(name: string): string[] };

const nonEmpty = (value: string | null) => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
};

/**
 * Reads the search from URL parameters. Invalid parameters are left out of `search` and
 * reported in `errors` (the page shows them; the API answers 400 with the first).
 */
export function parseTraceSearch(params: ParamReader): ParsedTraceSearch {
  const errors: ParsedTraceSearch["errors"] = [];
  const search: TraceSearch = {
    attributeFilterTexts: [],
    attributeFilters: [],
    range: DEFAULT_TIME_RANGE,
    limit: DEFAULT_TRACE_LIMIT,
  };
  search.service = nonEmpty(params.get("service"));
  search.operation = nonEmpty(params.get("operation"));

  for (const text of params.getAll("attr")) {
    if (text.trim() === "") continue;
    const parsed = parseAttributeFilter(text);
    if (parsed.ok) {
      search.attributeFilterTexts.push(text.trim());
      search.attributeFilters.push(parsed.filter);
    } else {
      errors.push({ param: "attr", message: parsed.error });
    }
  }

  for (const bound of ["minDuration", "maxDuration"] as const) {
    const text = nonEmpty(params.get(bound));
    if (text === undefined) continue;
    const ns = parseDurationNs(text);
    if (ns === undefined) {
      errors.push({ param: bound, message: `"${text}" is not a duration; use e.g. 250ms, 1.5s or 40us` });
    } else {
      search[bound] = text;
      search[bound === "minDuration" ? "minDurationNs" : "maxDurationNs"] = ns;
    }
  }
  if (search.minDurationNs !== undefined && search.maxDurationNs !== undefined && search.minDurationNs > search.maxDurationNs) {
    errors.push({ param: "maxDuration", message: "the maximum duration is below the minimum" });
    delete search.maxDuration;
    delete search.maxDurationNs;
  }

  const status = nonEmpty(params.get("status"));
  if (status !== undefined) {
    if ((TRACE_STATUSES as readonly string[]).includes(status)) search.status = status as TraceStatusFilter;
    else errors.push({ param: "status", message: `status must be one of ${TRACE_STATUSES.join(", ")}` });
  }

  const { range, error: rangeError } = parseTimeRange(params);
  search.range = range;
  if (rangeError !== null) errors.push(rangeError);

  const limit = nonEmpty(params.get("limit"));
  if (limit !== undefined) {
    const n = /^\d{1,6}$/.test(limit) ? Number(limit) : Number.NaN;
    if (n >= 1) search.limit = Math.min(n, MAX_TRACE_LIMIT);
    else errors.push({ param: "limit", message: "limit must be a positive whole number" });
  }
  return { search, errors };
}

/** URL parameters for a search: defaults left out, in a stable order (for shareable links and query keys). */
export function serializeTraceSearch(search: TraceSearch): URLSearchParams {
  const params = new URLSearchParams();
  if (search.service !== undefined) params.set("service", search.service);
  if (search.operation !== undefined) params.set("operation", search.operation);
  for (const text of search.attributeFilterTexts) params.append("attr", text);
  if (search.minDuration !== undefined) params.set("minDuration", search.minDuration);
  if (search.maxDuration !== undefined) params.set("maxDuration", search.maxDuration);
  if (search.status !== undefined) params.set("status", search.status);
  appendTimeRange(params, search.range);
  if (search.limit !== DEFAULT_TRACE_LIMIT) params.set("limit", String(search.limit));
  return params;
}

/** The parameter names serializeTraceSearch may write, for replacing them all at once. */
export const TRACE_SEARCH_PARAMS = [
  "service",
  "operation",
  "attr",
  "minDuration",
  "maxDuration",
  "status",
  ...TIME_RANGE_PARAMS,
  "limit",
] as const;
