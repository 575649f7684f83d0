"use client";

import { formatRelativeTime, formatTimestamp, formatTimestampUtc } from "@/lib/ui/format-time";
import { useIsHydrated } from "@/lib/ui/use-now";

/**
 * "12 s ago", with the absolute time as a tooltip: UTC in the server HTML (deterministic),
 * the viewer's local zone once hydrated.
 */
export function RelativeTime({ iso, nowMs }: { iso: string; nowMs: number }) {
  const isHydrated = useIsHydrated();
  const ms = Date.parse(iso);
  return (
    <time dateTime={iso} title={isHydrated ? formatTimestamp(ms) : formatTimestampUtc(ms)} className="tabular-nums">
      {formatRelativeTime(ms, nowMs)}
    </time>
  );
}
