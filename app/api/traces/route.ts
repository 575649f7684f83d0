import { createRouteHandler, searchParamsToObject } from "@/lib/http/route-handler";
import { jaegerErrorResponder, jaegerResponse } from "@/lib/jaeger/envelope";
import { parseTraceQuery } from "@/lib/jaeger/parse-trace-query";
import { toJaegerTrace } from "@/lib/jaeger/to-jaeger";
import type { JaegerError, JaegerTrace } from "@/lib/jaeger/types";
import { getTraceById } from "@/lib/queries/get-trace";
import { searchTraces } from "@/lib/queries/search-traces";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * Jaeger API trace search: GET /api/traces?service=&operation=&tags=&tag=&minDuration=
 * &maxDuration=&start=&end=&limit=&lookback= (see lib/jaeger/parse-trace-query), newest
 * traces first. With one or more traceID= parameters it returns those traces instead, and
 * lists the ids it could not find in `errors`, as Jaeger does.
 */
export const GET = createRouteHandler({
  name: "GET /api/traces",
  respondError: jaegerErrorResponder,
  handle: async ({ request, url }) => {
    await requireViewer(request);
    const query = parseTraceQuery(searchParamsToObject(url.searchParams), Date.now());
    if (query.kind === "ids") {
      const traces: JaegerTrace[] = [];
      const errors: JaegerError[] = [];
      for (const traceId of query.traceIds) {
        const spans = await getTraceById(traceId, { startUs: query.startUs, endUs: query.endUs });
        if (spans === null) errors.push({ code: 404, msg: "trace not found", traceID: traceId });
        else traces.push(toJaegerTrace(spans));
      }
      return jaegerResponse(traces, { total: 0, errors });
    }
    const found = await searchTraces(query.filters);
    return jaegerResponse(
      found.map((trace) => toJaegerTrace(trace.spans)),
      { total: 0 },
    );
  },
});
