import { requireViewer } from "@/lib/auth/guard";
import { createRouteHandler } from "@/lib/http/route-handler";
import type { RouteDetail } from "@/lib/traffic/contract";
import { getRouteDetail } from "@/lib/traffic/get-route-detail";
import { routeIdParamsSchema } from "@/lib/traffic/route-id-param";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/routes/{id} — the route, its gateways, whether the configured version is applied
 * (applied | pending | no_gateway) and the observed split (routeDetailSchema); 404 for an
 * unknown route. Readable by viewers and by gateways with their machine token.
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/routes/[id]",
  params: routeIdParamsSchema,
  handle: async ({ request, params }) => {
    await requireViewer(request, { allowMachineToken: true });
    return Response.json((await getRouteDetail(params.id)) satisfies RouteDetail);
  },
});
