import type { Metadata } from "next";
import { Suspense } from "react";
import { TrafficSkeleton } from "@/components/traffic/traffic-skeleton";
import { TrafficClient } from "./client";

export const metadata: Metadata = { title: "Traffic" };

/**
 * Route weights per version, edited in place. Not prefetched: the page is about a live
 * control loop (and who may change it), so it starts from the API and polls.
 */
export default function TrafficPage() {
  return (
    <Suspense fallback={<TrafficSkeleton />}>
      <TrafficClient />
    </Suspense>
  );
}
