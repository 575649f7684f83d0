import { createRouteHandler } from "@/lib/http/route-handler";
import { getTopology } from "@/lib/queries/get-topology";
import type { TopologyResponse } from "@/lib/query-client/topology-schemas";
import { resolveRequestWindow } from "@/lib/topology/request-window";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/topology[?range=5m|15m|1h|6h|24h | range=custom&from=&to=] — the service graph
 * over the range (default the last hour): nodes (services, virtual peers, heartbeat-only
 * services) and edges with calls, errors, rate, p50/p95/p99 and their live breakers per
 * state (lib/queries/get-topology.ts).
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/topology",
  handle: async ({ request, url }) => {
    await requireViewer(request);
    const nowMs = Date.now();
    const { startMs, endMs } = resolveRequestWindow(url.searchParams, nowMs);
    return Response.json((await getTopology({ fromMs: startMs, toMs: endMs, nowMs })) satisfies TopologyResponse);
  },
});
