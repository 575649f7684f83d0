import type { Metadata } from "next";
import { Suspense } from "react";
import { TraceDetailSkeleton } from "@/components/traces/trace-detail-skeleton";
import { TraceDetailClient } from "./client";
import { requirePageViewer } from "@/lib/auth/require-page-viewer";

export async function generateMetadata({ params }: { params: Promise<{ traceId: string }> }): Promise<Metadata> {
  const { traceId } = await params;
  return { title: `Trace ${traceId.slice(0, 8)}` };
}

export default async function TraceDetailPage({ params }: { params: Promise<{ traceId: string }> }) {
  await requirePageViewer(); // the layout is skipped on client navigations
  const { traceId } = await params;
  return (
    <Suspense fallback={<TraceDetailSkeleton />}>
      <TraceDetailClient traceId={traceId.toLowerCase()} />
    </Suspense>
  );
}
