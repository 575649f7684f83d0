import { Panel } from "@/components/ui/panel";
import { Skeleton } from "@/components/ui/skeleton";

export function TraceDetailSkeleton() {
  return (
    <div role="status" aria-label="Loading trace" className="flex flex-col gap-4">
      <Skeleton className="h-7 w-96" />
      <Skeleton className="h-4 w-[32rem]" />
      <Panel>
        <div className="flex flex-col gap-2 p-4">
          {Array.from({ length: 12 }, (_, i) => (
            <Skeleton key={i} className="h-5" />
          ))}
        </div>
      </Panel>
    </div>
  );
}
