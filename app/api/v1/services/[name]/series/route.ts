import { createRouteHandler } from "@/lib/http/route-handler";
import { loadServiceSeries, parseServiceRequest } from "@/lib/service-detail/load-service-detail";
import { serviceNameParamsSchema } from "@/lib/service-detail/service-name-param";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/services/{name}/series[?range=…|range=custom&from=&to=][&operation=&kind=] — RED
 * metrics over time: per bucket (whole minutes, at most ~120 over the range; lib/ui/time-range
 * chooseBucketMs) the calls, errors, rate (req/s), error % and p50/p95/p99 (µs) of the spans
 * that serve requests (SERVER, CONSUMER), or with `operation` (and optionally `kind`) of one
 * operation. Buckets without calls are left out.
 * An unknown service gets empty lists (GET /api/v1/services/{name} says whether it exists).
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/services/[name]/series",
  params: serviceNameParamsSchema,
  handle: async ({ request, params, url }) => {
    await requireViewer(request);
    const { range, filter } = parseServiceRequest(url.searchParams);
    return Response.json(await loadServiceSeries(params.name, range, filter, Date.now()));
  },
});
