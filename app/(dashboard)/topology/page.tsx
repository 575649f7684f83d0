import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { Suspense } from "react";
import { TimeRangeSelect, TimeRangeSelectPlaceholder } from "@/components/shell/time-range-select";
import { TopologySkeleton } from "@/components/topology/topology-skeleton";
import { PageHeader } from "@/components/ui/page-header";
import { getTopology } from "@/lib/queries/get-topology";
import { getQueryClient } from "@/lib/query-client/get-query-client";
import { topologyQueryOptions } from "@/lib/query-client/topology-query";
import { resolveRequestWindow } from "@/lib/topology/request-window";
import { type ParamReader, parseTimeRange, timeRangeQuery } from "@/lib/ui/time-range";
import { TopologyClient } from "./client";
import { toSearchParams } from "@/lib/ui/search-params";
import { requirePageViewer } from "@/lib/auth/require-page-viewer";

export const metadata: Metadata = { title: "Topology" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function TopologyPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePageViewer(); // the layout is skipped on client navigations
  return (
    <>
      <PageHeader
        title="Topology"
        description="Which service calls which, from the spans they send: request rate, errors and p95 on every call, health by error rate, and the circuit breakers each caller reports."
        actions={
          <Suspense fallback={<TimeRangeSelectPlaceholder />}>
            <TimeRangeSelect />
          </Suspense>
        }
      />
      <Suspense fallback={<TopologySkeleton />}>
        <TopologyData searchParams={searchParams} />
      </Suspense>
    </>
  );
}

/** The graph of the URL's range resolved against the current time (presets end now). */
function getTopologyNow(params: ParamReader) {
  const nowMs = Date.now();
  const { startMs, endMs } = resolveRequestWindow(params, nowMs);
  return getTopology({ fromMs: startMs, toMs: endMs, nowMs });
}

/**
 * Prefetches straight from the database with the client's query key, so the page arrives
 * with the graph and only polls afterwards. A failed prefetch (a range the API refuses, say)
 * is not dehydrated; the client then fetches through the API and shows the error itself.
 */
async function TopologyData({ searchParams }: { searchParams: SearchParams }) {
  const params = toSearchParams(await searchParams);
  const { range } = parseTimeRange(params);
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery({
    ...topologyQueryOptions(timeRangeQuery(range)),
    queryFn: () => getTopologyNow(params),
  });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <TopologyClient />
    </HydrationBoundary>
  );
}
