import { Skeleton } from "@/components/ui/skeleton";

/** The page's shape while routes load. */
export function TrafficSkeleton() {
  return (
    <div role="status" aria-label="Loading routes" className="flex flex-col gap-6">
      <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
        <Skeleton className="h-[92px] w-full rounded-lg" />
        <Skeleton className="h-[92px] w-full rounded-lg" />
      </div>
      <Skeleton className="h-[320px] w-full rounded-lg" />
    </div>
  );
}
