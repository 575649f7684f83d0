import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { Suspense } from "react";
import { ServicesListSkeleton } from "@/components/service-detail/services-list";
import { TimeRangeSelect, TimeRangeSelectPlaceholder } from "@/components/shell/time-range-select";
import { PageHeader } from "@/components/ui/page-header";
import { listServiceDirectory } from "@/lib/queries/list-service-directory";
import { getQueryClient } from "@/lib/query-client/get-query-client";
import { serviceDirectoryQueryOptions } from "@/lib/query-client/services-query";
import { ServicesClient } from "./client";
import { requirePageViewer } from "@/lib/auth/require-page-viewer";

export const metadata: Metadata = { title: "Services" };

export default async function ServicesPage() {
  await requirePageViewer(); // the layout is skipped on client navigations
  return (
    <>
      <PageHeader
        title="Services"
        description="Every service that has sent spans or sends heartbeats. Open one for its request rate, errors and latency over the chosen range, its operations, callers, callees and instances."
        actions={
          <Suspense fallback={<TimeRangeSelectPlaceholder />}>
            <TimeRangeSelect />
          </Suspense>
        }
      />
      <Suspense fallback={<ServicesListSkeleton />}>
        <ServicesData />
      </Suspense>
    </>
  );
}

/** Prefetched from the database with the client's query key; the client polls afterwards. */
async function ServicesData() {
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery({
    ...serviceDirectoryQueryOptions(),
    queryFn: async () => ({ services: await listServiceDirectory() }),
  });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ServicesClient />
    </HydrationBoundary>
  );
}
