import { createRouteHandler } from "@/lib/http/route-handler";
import { loadServiceInstances, parseServiceRequest } from "@/lib/service-detail/load-service-detail";
import { serviceNameParamsSchema } from "@/lib/service-detail/service-name-param";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/services/{name}/instances[?range=…|range=custom&from=&to=] — registered
 * instances (version, status, heartbeat age) with their status at the range start and their
 * status changes inside it.
 * An unknown service gets empty lists (GET /api/v1/services/{name} says whether it exists).
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/services/[name]/instances",
  params: serviceNameParamsSchema,
  handle: async ({ request, params, url }) => {
    await requireViewer(request);
    const { range } = parseServiceRequest(url.searchParams);
    return Response.json(await loadServiceInstances(params.name, range, Date.now()));
  },
});
