import { z } from "zod";
import { instanceIdSchema } from "@/lib/control/contract";
import { getInstance } from "@/lib/control/get-instance";
import { createRouteHandler } from "@/lib/http/route-handler";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/v1/instances/{instanceId}[?changes=50] — one instance with its recent status changes; 404 when unknown. */
export const GET = createRouteHandler({
  name: "GET /api/v1/instances/[instanceId]",
  params: z.object({ instanceId: instanceIdSchema }),
  query: z.object({ changes: z.coerce.number().int().min(0).max(500).default(50) }),
  handle: async ({ request, params, query }) => {
    await requireViewer(request);
    return Response.json({ instance: await getInstance(params.instanceId, { changes: query.changes }) });
  },
});
