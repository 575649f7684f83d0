import { createRouteHandler } from "@/lib/http/route-handler";
import { listServices } from "@/lib/queries/list-services";
import type { ServicesResponse } from "@/lib/query-client/schemas";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/v1/services — every service that has sent spans, sorted by name. */
export const GET = createRouteHandler({
  name: "GET /api/v1/services",
  handle: async ({ request }) => {
    await requireViewer(request);
    return Response.json({ services: await listServices() } satisfies ServicesResponse);
  },
});
