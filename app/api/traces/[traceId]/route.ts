import { z } from "zod";
import { NotFoundError } from "@/lib/http/errors";
import { createRouteHandler } from "@/lib/http/route-handler";
import { jaegerErrorResponder, jaegerResponse } from "@/lib/jaeger/envelope";
import { micros } from "@/lib/jaeger/parse-trace-query";
import { toJaegerTrace } from "@/lib/jaeger/to-jaeger";
import { traceIdParamSchema } from "@/lib/jaeger/trace-id";
import { getTraceById } from "@/lib/queries/get-trace";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * Jaeger API: one trace as `{data: [trace]}`; 400 for a malformed id, 404 (Jaeger envelope)
 * when no span of it is stored. Optional start/end (µs) narrow the partitions searched, as
 * Grafana sends them when "trace ID time params" is on.
 */
export const GET = createRouteHandler({
  name: "GET /api/traces/[traceId]",
  params: z.object({
    traceId: traceIdParamSchema,
  }),
  query: z
    .object({ start: micros, end: micros })
    .refine((q) => q.start === undefined || q.end === undefined || q.start <= q.end, {
      message: "'start' should not be after 'end'",
      path: ["start"],
    }),
  respondError: jaegerErrorResponder,
  handle: async ({ request, params, query }) => {
    await requireViewer(request);
    const spans = await getTraceById(params.traceId, { startUs: query.start, endUs: query.end });
    if (spans === null) throw new NotFoundError("trace not found");
    return jaegerResponse([toJaegerTrace(spans)], { total: 0 });
  },
});
