import { z } from "zod";
import { createRouteHandler } from "@/lib/http/route-handler";
import { jaegerErrorResponder, jaegerResponse } from "@/lib/jaeger/envelope";
import { SPAN_KIND_NAMES } from "@/lib/jaeger/span-kind";
import { listOperations } from "@/lib/queries/list-operations";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : Array.isArray(value) ? value[0] : value);

/** Jaeger API: GET /api/operations?service=&spanKind= → [{name, spanKind}]. */
export const GET = createRouteHandler({
  name: "GET /api/operations",
  query: z.object({
    service: z.preprocess(emptyToUndefined, z.string()),
    spanKind: z.preprocess(
      emptyToUndefined,
      z.enum(SPAN_KIND_NAMES, { error: "expected one of server, client, producer, consumer, internal" }).optional(),
    ),
  }),
  respondError: jaegerErrorResponder,
  handle: async ({ request, query }) => {
    await requireViewer(request);
    return jaegerResponse(await listOperations(query.service, query.spanKind));
  },
});
