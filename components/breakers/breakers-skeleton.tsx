import { Skeleton } from "@/components/ui/skeleton";

/** Placeholder for the banner, the breakers table and the timeline during the first load. */
export function BreakersSkeleton() {
  return (
    <div role="status" aria-label="Loading breakers" aria-busy="true">
      <div className="mb-4 rounded-lg border border-line bg-panel px-4 py-3.5">
        <Skeleton className="h-4 w-64" />
        <Skeleton className="mt-2 h-3 w-96" />
      </div>
      <div className="mb-4 rounded-lg border border-line bg-panel">
        <div className="flex h-12 items-center border-b border-line px-4">
          <Skeleton className="h-3.5 w-24" />
        </div>
        {[0, 1, 2, 3].map((row) => (
          <div key={row} className="flex items-center gap-6 border-b border-line/70 px-4 py-4 last:border-b-0">
            <Skeleton className="h-3 w-56" />
            <Skeleton className="h-5 w-20" />
            <Skeleton className="h-3 w-28" />
            <Skeleton className="h-3 w-28" />
            <Skeleton className="ml-auto h-3 w-12" />
          </div>
        ))}
      </div>
      <div className="rounded-lg border border-line bg-panel px-4 py-4">
        <Skeleton className="h-3.5 w-40" />
        {[0, 1, 2].map((row) => (
          <Skeleton key={row} className="mt-3 h-6 w-full" />
        ))}
      </div>
      <span className="sr-only">Loading breakers…</span>
    </div>
  );
}
