import { z } from "zod";
import { createRouteHandler } from "@/lib/http/route-handler";
import { getEdgeSeries } from "@/lib/queries/get-edge-series";
import type { SeriesResponse } from "@/lib/query-client/topology-schemas";
import { resolveRequestWindow } from "@/lib/topology/request-window";
import { chooseBucketMs } from "@/lib/ui/time-range";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const name = z.string().trim().min(1).max(1_024);

/**
 * GET /api/v1/edges/series?callee=orders[&caller=gateway][&range=…|range=custom&from=&to=] —
 * one edge's calls, errors, rate and p50/p95/p99 per time bucket (whole minutes, at most
 * ~120 buckets over the range; lib/ui/time-range chooseBucketMs), as the caller's CLIENT spans
 * saw them. Without `caller`, every call to the callee (a virtual node's traffic).
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/edges/series",
  query: z.object({ callee: name, caller: name.optional() }),
  handle: async ({ request, url, query }) => {
    await requireViewer(request);
    const nowMs = Date.now();
    const { startMs, endMs } = resolveRequestWindow(url.searchParams, nowMs);
    const series = await getEdgeSeries({
      caller: query.caller,
      callee: query.callee,
      fromMs: startMs,
      toMs: endMs,
      bucketMs: chooseBucketMs(endMs - startMs),
      nowMs,
    });
    return Response.json(series satisfies SeriesResponse);
  },
});
