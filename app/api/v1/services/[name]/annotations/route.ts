import { createRouteHandler } from "@/lib/http/route-handler";
import { loadServiceAnnotations, parseServiceRequest } from "@/lib/service-detail/load-service-detail";
import { serviceNameParamsSchema } from "@/lib/service-detail/service-name-param";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/services/{name}/annotations[?range=…|range=custom&from=&to=] — route weight
 * changes of the routes serving the service and breaker transitions on its edges from the
 * charts' axis start (the first bucket's start) to the range's end, most recent first, and the
 * state each of its breakers was in at that start.
 * An unknown service gets empty lists (GET /api/v1/services/{name} says whether it exists).
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/services/[name]/annotations",
  params: serviceNameParamsSchema,
  handle: async ({ request, params, url }) => {
    await requireViewer(request);
    const { range } = parseServiceRequest(url.searchParams);
    return Response.json(await loadServiceAnnotations(params.name, range, Date.now()));
  },
});
