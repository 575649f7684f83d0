import { createRouteHandler } from "@/lib/http/route-handler";
import { loadServiceEdges, parseServiceRequest } from "@/lib/service-detail/load-service-detail";
import { serviceNameParamsSchema } from "@/lib/service-detail/service-name-param";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/services/{name}/edges[?range=…|range=custom&from=&to=] — upstream (callers) and
 * downstream (callees, virtual nodes included) edges with calls, errors, rate, error % and
 * p50/p95/p99 as the client spans measured them, and the breakers on each.
 * An unknown service gets empty lists (GET /api/v1/services/{name} says whether it exists).
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/services/[name]/edges",
  params: serviceNameParamsSchema,
  handle: async ({ request, params, url }) => {
    await requireViewer(request);
    const { range } = parseServiceRequest(url.searchParams);
    return Response.json(await loadServiceEdges(params.name, range, Date.now()));
  },
});
