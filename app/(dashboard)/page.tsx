import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { headers } from "next/headers";
import { Suspense } from "react";
import { OverviewSkeleton } from "@/components/overview/overview-skeleton";
import { TimeRangeSelect, TimeRangeSelectPlaceholder } from "@/components/shell/time-range-select";
import { PageHeader } from "@/components/ui/page-header";
import { getOverview } from "@/lib/queries/get-overview";
import { getQueryClient } from "@/lib/query-client/get-query-client";
import { overviewQueryOptions } from "@/lib/query-client/overview-query";
import { serverInfoQueryOptions } from "@/lib/query-client/server-info-query";
import { getServerInfo } from "@/lib/ui/get-server-info";
import { parseTimeRange, resolveTimeRange, type TimeRange, timeRangeQuery } from "@/lib/ui/time-range";
import { OverviewClient } from "./client";
import { toSearchParams } from "@/lib/ui/search-params";
import { requirePageViewer } from "@/lib/auth/require-page-viewer";

export const metadata: Metadata = { title: "Overview" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePageViewer(); // the layout is skipped on client navigations
  return (
    <>
      <PageHeader
        title="Overview"
        description="Every service that sends spans or heartbeats: request rate, errors and latency over the time range, instance health and circuit breakers."
        actions={
          <Suspense fallback={<TimeRangeSelectPlaceholder />}>
            <TimeRangeSelect />
          </Suspense>
        }
      />
      <Suspense fallback={<OverviewSkeleton />}>
        <OverviewData searchParams={searchParams} />
      </Suspense>
    </>
  );
}

/** The overview of a range resolved against the current time (presets end now). */
function getOverviewNow(range: TimeRange) {
  const nowMs = Date.now();
  return getOverview({ ...resolveTimeRange(range, nowMs), nowMs });
}

/**
 * Prefetches straight from the database (same query keys as the client hooks, so the
 * browser starts with data and only polls afterwards). A failed prefetch (a range the API
 * refuses, say) is not dehydrated; the client then fetches through the API and shows the
 * error state itself.
 */
async function OverviewData({ searchParams }: { searchParams: SearchParams }) {
  const { range } = parseTimeRange(toSearchParams(await searchParams));
  const queryClient = getQueryClient();
  const host = (await headers()).get("host");
  await Promise.all([
    queryClient.prefetchQuery({
      ...overviewQueryOptions(timeRangeQuery(range)),
      queryFn: () => getOverviewNow(range),
    }),
    queryClient.prefetchQuery({ ...serverInfoQueryOptions(), queryFn: async () => getServerInfo(host) }),
  ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <OverviewClient />
    </HydrationBoundary>
  );
}
