import { NotFoundError } from "@/lib/http/errors";
import { createRouteHandler } from "@/lib/http/route-handler";
import { loadServiceSummary, parseServiceRequest } from "@/lib/service-detail/load-service-detail";
import { serviceNameParamsSchema } from "@/lib/service-detail/service-name-param";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/services/{name}[?range=…|range=custom&from=&to=] — what Breakwater knows of a
 * service (catalogue times and span count, registered instances; `isVirtual` for a peer known
 * only from its callers' client spans in the range); 404 when nothing knows the name.
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/services/[name]",
  params: serviceNameParamsSchema,
  handle: async ({ request, params, url }) => {
    await requireViewer(request);
    const { range } = parseServiceRequest(url.searchParams);
    const summary = await loadServiceSummary(params.name, range, Date.now());
    if (summary === null) throw new NotFoundError(`service "${params.name}" is unknown: no spans, rollups or instances`);
    return Response.json(summary);
  },
});
