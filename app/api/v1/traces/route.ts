import { ValidationError } from "@/lib/http/errors";
import { createRouteHandler } from "@/lib/http/route-handler";
import { STATUS_CODE } from "@/lib/otlp/model";
import { searchTraceSummaries } from "@/lib/queries/search-trace-summaries";
import type { TraceSearchResponse } from "@/lib/query-client/traces-schemas";
import { parseTraceSearch, resolveTimeRange, type TraceStatusFilter } from "@/lib/traces/trace-search-params";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const STATUS_CODES: Record<TraceStatusFilter, (typeof STATUS_CODE)[keyof typeof STATUS_CODE]> = {
  ok: STATUS_CODE.OK,
  error: STATUS_CODE.ERROR,
  unset: STATUS_CODE.UNSET,
};

/**
 * GET /api/v1/traces — the Traces page's search: the parameters of
 * lib/traces/trace-search-params (service, operation, attr, minDuration, maxDuration, status,
 * range/from/to, limit). Newest matching traces first, each summarized over all its spans.
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/traces",
  handle: async ({ request, url }) => {
    await requireViewer(request);
    const { search, errors } = parseTraceSearch(url.searchParams);
    const error = errors[0];
    if (error !== undefined) throw new ValidationError(`${error.param}: ${error.message}`, { param: error.param });
    if (search.service === undefined) throw new ValidationError("parameter 'service' is required", { param: "service" });
    const { startMs, endMs } = resolveTimeRange(search.range, Date.now());
    const traces = await searchTraceSummaries({
      service: search.service,
      operation: search.operation,
      attributeFilters: search.attributeFilters,
      minDurationNs: search.minDurationNs,
      maxDurationNs: search.maxDurationNs,
      statusCode: search.status === undefined ? undefined : STATUS_CODES[search.status],
      startUs: BigInt(Math.max(0, Math.floor(startMs))) * 1000n,
      endUs: BigInt(Math.max(0, Math.floor(endMs))) * 1000n,
      limit: search.limit,
    });
    return Response.json({ traces, startMs, endMs, limit: search.limit } satisfies TraceSearchResponse);
  },
});
