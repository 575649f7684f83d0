import { z } from "zod";
import { requireViewer } from "@/lib/auth/guard";
import { createRouteHandler } from "@/lib/http/route-handler";
import type { RouteHistory } from "@/lib/traffic/contract";
import { listRouteHistory, ROUTE_HISTORY_DEFAULT_LIMIT, ROUTE_HISTORY_MAX_LIMIT } from "@/lib/traffic/list-route-history";
import { routeIdParamsSchema } from "@/lib/traffic/route-id-param";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/routes/{id}/history[?limit=50&before=<change id>] — the route's audit rows,
 * newest first (routeHistorySchema); pass `nextBefore` as `before` for the next page. 404 for
 * an unknown route.
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/routes/[id]/history",
  params: routeIdParamsSchema,
  query: z.object({
    limit: z.coerce.number().int().min(1).max(ROUTE_HISTORY_MAX_LIMIT).default(ROUTE_HISTORY_DEFAULT_LIMIT),
    before: z.coerce.number().int().positive().optional(),
  }),
  handle: async ({ request, params, query }) => {
    await requireViewer(request);
    return Response.json((await listRouteHistory(params.id, query)) satisfies RouteHistory);
  },
});
