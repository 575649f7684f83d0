import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { Suspense } from "react";
import { BreakersSkeleton } from "@/components/breakers/breakers-skeleton";
import { FaultInjectionSection } from "@/components/faults/fault-injection-section";
import { PageHeader } from "@/components/ui/page-header";
import { listBreakerTransitions } from "@/lib/control/list-breaker-transitions";
import { listBreakers } from "@/lib/control/list-breakers";
import { breakersQueryOptions, breakerTransitionsQueryOptions, resolveWindow } from "@/lib/query-client/breakers-query";
import { getQueryClient } from "@/lib/query-client/get-query-client";
import { BreakersClient } from "./client";
import { toSearchParams } from "@/lib/ui/search-params";
import { parseBreakersView } from "./search-params";
import { requirePageViewer } from "@/lib/auth/require-page-viewer";

export const metadata: Metadata = { title: "Breakers" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function BreakersPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePageViewer(); // the layout is skipped on client navigations
  return (
    <>
      <PageHeader
        title="Breakers"
        description="Every circuit breaker between your services, as its owner reports it: open ones first, with rates against their thresholds and the history of each transition."
      />
      {/* Its own boundary: it reads the refresh setting from the URL (useSearchParams). */}
      <Suspense fallback={null}>
        <FaultInjectionSection />
      </Suspense>
      <Suspense fallback={<BreakersSkeleton />}>
        <BreakersData searchParams={searchParams} />
      </Suspense>
    </>
  );
}

/**
 * Prefetches straight from the database with the client's query keys, so the page arrives
 * with data and only polls afterwards. A failed prefetch is not dehydrated; the client then
 * fetches through the API and shows the error state itself.
 */
async function BreakersData({ searchParams }: { searchParams: SearchParams }) {
  const view = parseBreakersView(toSearchParams(await searchParams));
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery({ ...breakersQueryOptions(), queryFn: async () => ({ breakers: await listBreakers() }) }),
    queryClient.prefetchQuery({
      ...breakerTransitionsQueryOptions(view.range.ms),
      queryFn: () => listBreakerTransitions(resolveWindow(view.range.ms)),
    }),
  ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <BreakersClient />
    </HydrationBoundary>
  );
}
