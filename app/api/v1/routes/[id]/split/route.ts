import { requireViewer } from "@/lib/auth/guard";
import { createRouteHandler } from "@/lib/http/route-handler";
import type { RouteSplitSeries } from "@/lib/traffic/contract";
import { getRouteSplitSeries } from "@/lib/traffic/get-route-split-series";
import { parseTrafficWindow } from "@/lib/traffic/parse-traffic-window";
import { routeIdParamsSchema } from "@/lib/traffic/route-id-param";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/routes/{id}/split[?range=15m|…|custom&from=&to=] — configured vs observed split
 * per bucket (10 s up to 30 min windows; routeSplitSeriesSchema) with the weight changes as
 * annotations. 400 naming a bad range parameter; 404 for an unknown route.
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/routes/[id]/split",
  params: routeIdParamsSchema,
  handle: async ({ request, params, url }) => {
    await requireViewer(request);
    const window = parseTrafficWindow(url.searchParams, Date.now());
    return Response.json((await getRouteSplitSeries(params.id, window)) satisfies RouteSplitSeries);
  },
});
