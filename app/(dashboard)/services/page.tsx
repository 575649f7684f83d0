import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { Suspense } from "react";
import { ServicesListSkeleton } from "@/components/service-detail/services-list";
import { PageHeader } from "@/components/ui/page-header";
import { listServices } from "@/lib/queries/list-services";
import { getQueryClient } from "@/lib/query-client/get-query-client";
import { servicesQueryOptions } from "@/lib/query-client/services-query";
import { ServicesClient } from "./client";

export const metadata: Metadata = { title: "Services" };

export default function ServicesPage() {
  return (
    <>
      <PageHeader
        title="Services"
        description="Every service that has sent spans. Open one for its request rate, errors and latency over time, its operations, callers, callees and instances."
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
  await queryClient.prefetchQuery({ ...servicesQueryOptions(), queryFn: async () => ({ services: await listServices() }) });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ServicesClient />
    </HydrationBoundary>
  );
}
