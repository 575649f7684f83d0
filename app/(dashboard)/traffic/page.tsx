import type { Metadata } from "next";
import { Suspense } from "react";
import { TrafficSkeleton } from "@/components/traffic/traffic-skeleton";
import { TrafficClient } from "./client";
import { requirePageViewer } from "@/lib/auth/require-page-viewer";

export const metadata: Metadata = { title: "Traffic" };

/**
 * Route weights per version, edited in place. Not prefetched: the page is about a live
 * control loop (and who may change it), so it starts from the API and polls.
 */
export default async function TrafficPage() {
  await requirePageViewer(); // the layout is skipped on client navigations
  return (
    <Suspense fallback={<TrafficSkeleton />}>
      <TrafficClient />
    </Suspense>
  );
}
