import { requireViewer } from "@/lib/auth/guard";
import { createRouteHandler } from "@/lib/http/route-handler";
import type { RouteVersionRed } from "@/lib/traffic/contract";
import { getRouteVersionRed } from "@/lib/traffic/get-route-version-red";
import { parseTrafficWindow } from "@/lib/traffic/parse-traffic-window";
import { routeIdParamsSchema } from "@/lib/traffic/route-id-param";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/routes/{id}/versions[?range=15m|…|custom&from=&to=] — requests, rate, error
 * fraction and p50/p95/p99 (ms) per backend version, side by side (routeVersionRedSchema), from
 * the route service's SERVER spans. 400 naming a bad range parameter; 404 for an unknown route.
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/routes/[id]/versions",
  params: routeIdParamsSchema,
  handle: async ({ request, params, url }) => {
    await requireViewer(request);
    const window = parseTrafficWindow(url.searchParams, Date.now());
    return Response.json((await getRouteVersionRed(params.id, window)) satisfies RouteVersionRed);
  },
});
