import Link from "next/link";
import { TopologyIcon } from "@/components/ui/icons";

/** No service sent spans or heartbeats in the range. */
export function TopologyEmpty({ rangeDescription, isLive }: { rangeDescription: string; isLive: boolean }) {
  return (
    <div
      className="flex h-[420px] flex-col items-center justify-center gap-3 rounded-lg border border-line bg-panel px-6 text-center"
      data-testid="topology-empty"
    >
      <span className="flex size-11 items-center justify-center rounded-full bg-accent/10 text-accent">
        <TopologyIcon className="size-6" />
      </span>
      <p className="text-sm font-semibold text-ink">No calls between services in {rangeDescription}.</p>
      <p className="max-w-lg text-sm text-muted">
        The graph is drawn from CLIENT and SERVER spans paired per minute, and from heartbeats. Send traces from two services that
        call each other, or pick a longer range.
        {isLive ? " This page refreshes on its own." : " Live refresh is paused."}
      </p>
      <Link href="/" className="text-sm font-medium text-accent hover:underline">
        How to send traces →
      </Link>
    </div>
  );
}
