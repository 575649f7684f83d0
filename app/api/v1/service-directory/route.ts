import { createRouteHandler } from "@/lib/http/route-handler";
import { listServiceDirectory } from "@/lib/queries/list-service-directory";
import type { ServiceDirectoryResponse } from "@/lib/query-client/schemas";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/service-directory — every service with a page: those that have sent spans and
 * those that only send heartbeats (an instance not deregistered), sorted by name.
 * (Not under /api/v1/services/, where a service named "directory" would collide.)
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/service-directory",
  handle: async ({ request }) => {
    await requireViewer(request);
    return Response.json({ services: await listServiceDirectory() } satisfies ServiceDirectoryResponse);
  },
});
