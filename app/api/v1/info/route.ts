import { createRouteHandler } from "@/lib/http/route-handler";
import type { ServerInfo } from "@/lib/query-client/schemas";
import { getServerInfo } from "@/lib/ui/get-server-info";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/v1/info — role, advertised host and ports for exporter setup; never the tokens. */
export const GET = createRouteHandler({
  name: "GET /api/v1/info",
  handle: async ({ request }) => {
    await requireViewer(request);
    return Response.json(getServerInfo(request.headers.get("host")) satisfies ServerInfo);
  },
});
