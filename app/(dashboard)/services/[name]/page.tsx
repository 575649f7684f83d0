import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { Suspense } from "react";
import { ServiceDetailSkeleton } from "@/components/service-detail/service-detail-skeleton";
import { getQueryClient } from "@/lib/query-client/get-query-client";
import {
  serviceAnnotationsQueryOptions,
  serviceEdgesQueryOptions,
  serviceInstancesQueryOptions,
  serviceOperationsQueryOptions,
  serviceSeriesQueryOptions,
  serviceSummaryQueryOptions,
} from "@/lib/query-client/service-detail-query";
import {
  loadServiceAnnotations,
  loadServiceEdges,
  loadServiceInstances,
  loadServiceOperations,
  loadServiceSeries,
  loadServiceSummary,
} from "@/lib/service-detail/load-service-detail";
import { decodeServiceNameSegment } from "@/lib/service-detail/service-name-param";
import { ServiceDetailClient } from "./client";
import { toSearchParams } from "@/lib/ui/search-params";
import { parseServiceDetailView } from "./search-params";
import { requirePageViewer } from "@/lib/auth/require-page-viewer";

type Params = Promise<{ name: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: decodeServiceNameSegment((await params).name) };
}

export default async function ServiceDetailPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  await requirePageViewer(); // the layout is skipped on client navigations
  const name = decodeServiceNameSegment((await params).name);
  return (
    <Suspense fallback={<ServiceDetailSkeleton />}>
      <ServiceDetailData name={name} searchParams={searchParams} />
    </Suspense>
  );
}

/**
 * Prefetches straight from the database with the client's query keys, so the page arrives
 * with data and only polls afterwards. A failed prefetch (an unknown service included) is
 * not dehydrated: the client then fetches through the API and shows the state itself.
 */
async function ServiceDetailData({ name, searchParams }: { name: string; searchParams: SearchParams }) {
  const { range, filter } = parseServiceDetailView(toSearchParams(await searchParams));
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery({
      ...serviceSummaryQueryOptions(name, range),
      queryFn: async () => {
        const summary = await loadServiceSummary(name, range);
        if (summary === null) throw new Error("unknown service");
        return summary;
      },
    }),
    queryClient.prefetchQuery({
      ...serviceSeriesQueryOptions(name, range, filter),
      queryFn: () => loadServiceSeries(name, range, filter),
    }),
    queryClient.prefetchQuery({
      ...serviceOperationsQueryOptions(name, range),
      queryFn: () => loadServiceOperations(name, range),
    }),
    queryClient.prefetchQuery({
      ...serviceEdgesQueryOptions(name, range),
      queryFn: () => loadServiceEdges(name, range),
    }),
    queryClient.prefetchQuery({
      ...serviceInstancesQueryOptions(name, range),
      queryFn: () => loadServiceInstances(name, range),
    }),
    queryClient.prefetchQuery({
      ...serviceAnnotationsQueryOptions(name, range),
      queryFn: () => loadServiceAnnotations(name, range),
    }),
  ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ServiceDetailClient name={name} />
    </HydrationBoundary>
  );
}
