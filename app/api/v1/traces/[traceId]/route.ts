import { z } from "zod";
import { NotFoundError } from "@/lib/http/errors";
import { createRouteHandler } from "@/lib/http/route-handler";
import { traceIdParamSchema } from "@/lib/jaeger/trace-id";
import { getTraceById } from "@/lib/queries/get-trace";
import type { TraceDetailResponse } from "@/lib/query-client/traces-schemas";
import { toTraceSpanDto } from "@/lib/traces/to-trace-span-dto";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/v1/traces/{traceId} — every span of a trace for the waterfall; 404 when none is stored. */
export const GET = createRouteHandler({
  name: "GET /api/v1/traces/[traceId]",
  params: z.object({
    traceId: traceIdParamSchema,
  }),
  handle: async ({ request, params }) => {
    await requireViewer(request);
    const spans = await getTraceById(params.traceId);
    if (spans === null) throw new NotFoundError("trace not found");
    return Response.json({ traceId: params.traceId, spans: spans.map(toTraceSpanDto) } satisfies TraceDetailResponse);
  },
});
