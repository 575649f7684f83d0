import type { Metadata } from "next";
import { Suspense } from "react";
import { TracesSkeleton } from "@/components/traces/traces-skeleton";
import { PageHeader } from "@/components/ui/page-header";
import { TracesClient } from "./client";
import { requirePageViewer } from "@/lib/auth/require-page-viewer";

export const metadata: Metadata = { title: "Traces" };

export default async function TracesPage() {
  await requirePageViewer(); // the layout is skipped on client navigations
  return (
    <>
      <PageHeader
        title="Traces"
        description="Find requests by service, operation, duration, status and attributes, including the gateway's retries, breakers and chosen versions."
      />
      {/* The search lives in the URL (useSearchParams), read on the client. */}
      <Suspense fallback={<TracesSkeleton />}>
        <TracesClient />
      </Suspense>
    </>
  );
}
