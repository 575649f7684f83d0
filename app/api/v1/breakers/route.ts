import { z } from "zod";
import { serviceNameSchema } from "@/lib/control/contract";
import { listBreakers } from "@/lib/control/list-breakers";
import { createRouteHandler } from "@/lib/http/route-handler";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/breakers[?service=&transitions=N] — current state of every breaker (owner
 * instance → target instance), those touching `service` only when given, each with its N
 * (0..100, default 0) most recent transitions.
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/breakers",
  query: z.object({
    service: serviceNameSchema.optional(),
    transitions: z.coerce.number().int().min(0).max(100).default(0),
  }),
  handle: async ({ request, query }) => {
    await requireViewer(request);
    return Response.json({ breakers: await listBreakers(query) });
  },
});
