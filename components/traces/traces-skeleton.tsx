import { Panel } from "@/components/ui/panel";
import { Skeleton } from "@/components/ui/skeleton";

export function TracesSkeleton() {
  return (
    <Panel>
      <div role="status" aria-label="Loading traces" className="flex flex-col gap-4 p-4">
        <div className="flex gap-3">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} className="h-8 w-32" />
          ))}
        </div>
        <Skeleton className="h-52 w-full" />
        {Array.from({ length: 5 }, (_, i) => (
          <Skeleton key={i} className="h-9 w-full" />
        ))}
      </div>
    </Panel>
  );
}
