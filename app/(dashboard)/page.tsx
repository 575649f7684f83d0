import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { headers } from "next/headers";
import { Suspense } from "react";
import { OverviewSkeleton } from "@/components/overview/overview-skeleton";
import { PageHeader } from "@/components/ui/page-header";
import { listServices } from "@/lib/queries/list-services";
import { getQueryClient } from "@/lib/query-client/get-query-client";
import { serverInfoQueryOptions } from "@/lib/query-client/server-info-query";
import { servicesQueryOptions } from "@/lib/query-client/services-query";
import { getServerInfo } from "@/lib/ui/get-server-info";
import { OverviewClient } from "./client";

export const metadata: Metadata = { title: "Overview" };

export default function OverviewPage() {
  return (
    <>
      <PageHeader
        title="Overview"
        description="Every service that has sent spans to Breakwater, with its volume and when it was last heard from."
      />
      <Suspense fallback={<OverviewSkeleton />}>
        <OverviewData />
      </Suspense>
    </>
  );
}

/**
 * Prefetches straight from the database (same query keys as the client hooks, so the
 * browser starts with data and only polls afterwards). A failed prefetch is not dehydrated;
 * the client then fetches through the API and shows the error state itself.
 */
async function OverviewData() {
  const queryClient = getQueryClient();
  const host = (await headers()).get("host");
  await Promise.all([
    queryClient.prefetchQuery({ ...servicesQueryOptions(), queryFn: async () => ({ services: await listServices() }) }),
    queryClient.prefetchQuery({ ...serverInfoQueryOptions(), queryFn: async () => getServerInfo(host) }),
  ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <OverviewClient />
    </HydrationBoundary>
  );
}
