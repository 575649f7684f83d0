import { z } from "zod";
import { createRouteHandler } from "@/lib/http/route-handler";
import { jaegerErrorResponder, jaegerResponse } from "@/lib/jaeger/envelope";
import { listOperations } from "@/lib/queries/list-operations";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Jaeger API (legacy form jaeger-ui and Grafana call): the service's operation names, all kinds. */
export const GET = createRouteHandler({
  name: "GET /api/services/[service]/operations",
  params: z.object({ service: z.string().min(1) }),
  respondError: jaegerErrorResponder,
  handle: async ({ request, params }) => {
    await requireViewer(request);
    const operations = await listOperations(params.service);
    const names = [...new Set(operations.map((operation) => operation.name))];
    return jaegerResponse(names);
  },
});
