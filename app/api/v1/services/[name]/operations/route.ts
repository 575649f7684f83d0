import { createRouteHandler } from "@/lib/http/route-handler";
import { loadServiceOperations, parseServiceRequest } from "@/lib/service-detail/load-service-detail";
import { serviceNameParamsSchema } from "@/lib/service-detail/service-name-param";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/services/{name}/operations[?range=…|range=custom&from=&to=] — each operation
 * (span name and kind) with calls, errors, rate, error % and p50/p95/p99 over the range,
 * busiest first (top 200, `totalOperations` says how many).
 * An unknown service gets empty lists (GET /api/v1/services/{name} says whether it exists).
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/services/[name]/operations",
  params: serviceNameParamsSchema,
  handle: async ({ request, params, url }) => {
    await requireViewer(request);
    const { range } = parseServiceRequest(url.searchParams);
    return Response.json(await loadServiceOperations(params.name, range, Date.now()));
  },
});
