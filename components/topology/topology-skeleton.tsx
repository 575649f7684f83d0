import { Skeleton } from "@/components/ui/skeleton";

/** The page while the first graph loads: toolbar and canvas placeholders. */
export function TopologySkeleton() {
  return (
    <div role="status" aria-label="Loading the service graph" className="space-y-3">
      <div className="flex gap-3">
        <Skeleton className="h-8 w-48" />
        <Skeleton className="h-8 w-56" />
        <Skeleton className="h-8 w-44" />
      </div>
      <div className="flex h-[560px] items-center justify-center gap-16 rounded-lg border border-line bg-panel">
        {[0, 1, 2].map((column) => (
          <div key={column} className="space-y-8">
            {Array.from({ length: column + 1 }, (_, row) => (
              <Skeleton key={row} className="h-[64px] w-[176px]" />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
