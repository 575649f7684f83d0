import { ValidationError } from "@/lib/http/errors";
import { SPAN_KIND, type SpanKind } from "@/lib/otlp/model";
import { getServiceAnnotations } from "@/lib/queries/get-service-annotations";
import { getServiceEdges } from "@/lib/queries/get-service-edges";
import { getServiceInstances } from "@/lib/queries/get-service-instances";
import { getServiceOperations } from "@/lib/queries/get-service-operations";
import { getServiceSeries } from "@/lib/queries/get-service-series";
import { getServiceSummary } from "@/lib/queries/get-service-summary";
import type {
  ServiceAnnotationsResponse,
  ServiceEdgesResponse,
  ServiceInstancesResponse,
  ServiceOperationsResponse,
  ServiceSeriesResponse,
  ServiceSummaryResponse,
} from "@/lib/query-client/service-detail-schemas";
import { chooseBucketMs, type ParamReader, parseTimeRange, resolveTimeRange, type TimeRange } from "@/lib/ui/time-range";
import { type OperationFilter, parseOperationFilter } from "./service-detail-params";

/**
 * The service detail reads as the API routes answer them and the page prefetches them: one
 * place resolves the time range against the server's clock, picks the chart bucket and maps
 * the operation filter to span kinds, so a prefetched page and its later polls agree.
 */

const DAY_MS = 86_400_000;
/** Longer windows merge too many minutes for a live page (rollups are kept 30 days). */
export const MAX_SERVICE_WINDOW_MS = 7 * DAY_MS;

const ALL_SPAN_KINDS: SpanKind[] = Object.values(SPAN_KIND);

export type ServiceWindowMs = { startMs: number; endMs: number };

/**
 * The range's window at `nowMs`, its end capped at now (rates never divide by time that has
 * not happened); ValidationError for a window over 7 days or before 1970.
 */
export function resolveServiceWindow(range: TimeRange, nowMs: number): ServiceWindowMs {
  const { startMs, endMs } = resolveTimeRange(range, nowMs);
  if (endMs - startMs > MAX_SERVICE_WINDOW_MS) {
    throw new ValidationError(`from: the range must be at most ${MAX_SERVICE_WINDOW_MS / DAY_MS} days`, { param: "from" });
  }
  if (startMs < 0) throw new ValidationError("from: the range must start after 1970", { param: "from" });
  return { startMs, endMs: Math.max(startMs, Math.min(endMs, nowMs)) };
}

/** An API request's range and operation filter; ValidationError naming the bad parameter. */
export function parseServiceRequest(params: ParamReader): { range: TimeRange; filter: OperationFilter | null } {
  const { range, error } = parseTimeRange(params);
  if (error !== null) throw new ValidationError(`${error.param}: ${error.message}`, { param: error.param });
  const parsed = parseOperationFilter(params);
  if (parsed.error !== null)
    throw new ValidationError(`${parsed.error.param}: ${parsed.error.message}`, { param: parsed.error.param });
  return { range, filter: parsed.filter };
}

/** Null when the service is unknown. */
export async function loadServiceSummary(
  service: string,
  range: TimeRange,
  nowMs: number = Date.now(),
): Promise<ServiceSummaryResponse | null> {
  const { startMs, endMs } = resolveServiceWindow(range, nowMs);
  const summary = await getServiceSummary({ service, fromMs: startMs, toMs: endMs });
  return summary === null ? null : { service: summary };
}

/** The chart bucket: it follows the range, not the capped end, so a range always has the same buckets. */
function seriesBucketMs(range: TimeRange, startMs: number, nowMs: number): number {
  return chooseBucketMs(resolveTimeRange(range, nowMs).endMs - startMs);
}

export async function loadServiceSeries(
  service: string,
  range: TimeRange,
  filter: OperationFilter | null,
  nowMs: number = Date.now(),
): Promise<ServiceSeriesResponse> {
  const { startMs, endMs } = resolveServiceWindow(range, nowMs);
  return getServiceSeries({
    service,
    fromMs: startMs,
    toMs: endMs,
    bucketMs: seriesBucketMs(range, startMs, nowMs),
    // One operation: the kind asked for, or every kind of that name; the service: the spans that serve requests.
    ...(filter === null
      ? {}
      : { operation: filter.name, spanKinds: filter.spanKind === null ? ALL_SPAN_KINDS : [filter.spanKind] }),
  });
}

export async function loadServiceOperations(
  service: string,
  range: TimeRange,
  nowMs: number = Date.now(),
): Promise<ServiceOperationsResponse> {
  const { startMs, endMs } = resolveServiceWindow(range, nowMs);
  return getServiceOperations({ service, fromMs: startMs, toMs: endMs });
}

export async function loadServiceEdges(
  service: string,
  range: TimeRange,
  nowMs: number = Date.now(),
): Promise<ServiceEdgesResponse> {
  const { startMs, endMs } = resolveServiceWindow(range, nowMs);
  return getServiceEdges({ service, fromMs: startMs, toMs: endMs });
}

export async function loadServiceInstances(
  service: string,
  range: TimeRange,
  nowMs: number = Date.now(),
): Promise<ServiceInstancesResponse> {
  const { startMs, endMs } = resolveServiceWindow(range, nowMs);
  return getServiceInstances({ service, from: new Date(startMs), to: new Date(endMs) });
}

export async function loadServiceAnnotations(
  service: string,
  range: TimeRange,
  nowMs: number = Date.now(),
): Promise<ServiceAnnotationsResponse> {
  const { startMs, endMs } = resolveServiceWindow(range, nowMs);
  // From the charts' axis start (the first bucket's start, on or before startMs), so an event
  // in that first bucket and the state breakers were in there are on the charts too.
  const bucketMs = seriesBucketMs(range, startMs, nowMs);
  const axisStartMs = Math.floor(startMs / bucketMs) * bucketMs;
  return getServiceAnnotations({ service, from: new Date(axisStartMs), to: new Date(endMs) });
}
