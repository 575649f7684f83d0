import { z } from "zod";
import { INSTANCE_STATUSES, serviceNameSchema } from "@/lib/control/contract";
import { listInstances } from "@/lib/control/list-instances";
import { createRouteHandler } from "@/lib/http/route-handler";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/v1/instances[?service=&status=] — registered instances with status and heartbeat age. */
export const GET = createRouteHandler({
  name: "GET /api/v1/instances",
  query: z.object({ service: serviceNameSchema.optional(), status: z.enum(INSTANCE_STATUSES).optional() }),
  handle: async ({ request, query }) => {
    await requireViewer(request);
    return Response.json({ instances: await listInstances(query) });
  },
});
