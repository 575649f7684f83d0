import { Skeleton } from "@/components/ui/skeleton";

/** Placeholder for the stats and the services table while the first load is in flight. */
export function OverviewSkeleton() {
  return (
    <div role="status" aria-label="Loading services" aria-busy="true">
      <div className="mb-4 grid grid-cols-2 gap-3 lg:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="rounded-lg border border-line bg-panel px-4 py-3">
            <Skeleton className="h-3 w-20" />
            <Skeleton className="mt-2.5 h-6 w-14" />
            <Skeleton className="mt-2 h-2.5 w-32" />
          </div>
        ))}
      </div>
      <div className="rounded-lg border border-line bg-panel">
        <div className="flex h-12 items-center border-b border-line px-4">
          <Skeleton className="h-3.5 w-24" />
        </div>
        {[0, 1, 2, 3, 4].map((row) => (
          <div key={row} className="flex items-center gap-6 border-b border-line/70 px-4 py-3.5 last:border-b-0">
            <Skeleton className="h-3 w-44" />
            <Skeleton className="ml-auto h-3 w-14" />
            <Skeleton className="h-3 w-10" />
            <Skeleton className="h-3 w-12" />
            <Skeleton className="h-3 w-12" />
            <Skeleton className="h-3 w-12" />
            <Skeleton className="h-5 w-28" />
            <Skeleton className="h-3 w-16" />
            <Skeleton className="h-3 w-24" />
          </div>
        ))}
      </div>
      <span className="sr-only">Loading services…</span>
    </div>
  );
}
