import { ValidationError } from "@/lib/http/errors";
import { createRouteHandler } from "@/lib/http/route-handler";
import { getOverview, MAX_OVERVIEW_WINDOW_MS } from "@/lib/queries/get-overview";
import type { OverviewResponse } from "@/lib/query-client/overview-schemas";
import { parseTimeRange, resolveTimeRange } from "@/lib/ui/time-range";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/overview[?range=5m|15m|1h|6h|24h | range=custom&from=&to=] — every service
 * with its request rate, error %, p50/p95/p99, a request-rate series, instances and the
 * breakers that are not closed, over the range (default the last hour; see
 * lib/queries/get-overview.ts for what is counted).
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/overview",
  handle: async ({ request, url }) => {
    await requireViewer(request);
    const { range, error } = parseTimeRange(url.searchParams);
    if (error !== null) throw new ValidationError(`${error.param}: ${error.message}`, { param: error.param });
    const nowMs = Date.now();
    const { startMs, endMs } = resolveTimeRange(range, nowMs);
    if (endMs - startMs > MAX_OVERVIEW_WINDOW_MS) {
      throw new ValidationError(`from: the range must be at most ${MAX_OVERVIEW_WINDOW_MS / 86_400_000} days`, { param: "from" });
    }
    if (startMs < 0) throw new ValidationError("from: the range must start after 1970", { param: "from" });
    return Response.json((await getOverview({ startMs, endMs, nowMs })) satisfies OverviewResponse);
  },
});
