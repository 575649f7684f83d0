import { createRouteHandler } from "@/lib/http/route-handler";
import { jaegerErrorResponder, jaegerResponse } from "@/lib/jaeger/envelope";
import { listServices } from "@/lib/queries/list-services";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Jaeger API: service names, sorted. */
export const GET = createRouteHandler({
  name: "GET /api/services",
  respondError: jaegerErrorResponder,
  handle: async ({ request }) => {
    await requireViewer(request);
    const services = await listServices();
    return jaegerResponse(services.map((service) => service.name));
  },
});
