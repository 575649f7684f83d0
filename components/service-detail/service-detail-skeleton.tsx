import { Skeleton } from "@/components/ui/skeleton";

/** The page's shape while its first data loads: header, three charts, the operations table. */
export function ServiceDetailSkeleton({ withHeader = true }: { withHeader?: boolean }) {
  return (
    <div role="status" aria-label="Loading the service" aria-busy="true">
      {withHeader && (
        <div className="mb-6">
          <Skeleton className="h-6 w-48" />
          <Skeleton className="mt-2 h-4 w-96" />
        </div>
      )}
      <Skeleton className="mb-4 h-4 w-80" />
      <Skeleton className="mb-4 h-[290px] w-full rounded-lg" />
      <div className="mb-4 grid gap-4 md:grid-cols-2">
        <Skeleton className="h-[250px] w-full rounded-lg" />
        <Skeleton className="h-[250px] w-full rounded-lg" />
      </div>
      <div className="rounded-lg border border-line bg-panel">
        {[0, 1, 2].map((row) => (
          <div key={row} className="flex items-center gap-6 border-b border-line/70 px-4 py-4 last:border-b-0">
            <Skeleton className="h-3 w-56" />
            <Skeleton className="h-3 w-20" />
            <Skeleton className="ml-auto h-3 w-16" />
            <Skeleton className="h-3 w-16" />
          </div>
        ))}
      </div>
    </div>
  );
}
