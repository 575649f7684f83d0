"use client";

import type { ReactNode } from "react";
import { timeTicks } from "@/lib/topology/to-chart-points";
import { formatClock } from "@/lib/ui/format-time";

/** Shared look of the panel charts: axis colours, tick text, the time axis. */
export const AXIS_COLOR = "#5f6d7b";
export const GRID_COLOR = "#1f2a36";
export const TICK_STYLE = { fontSize: 10, fill: "#8b98a6" };

/** Props for a recharts XAxis over a window (numeric epoch ms, local clock labels). */
export function timeAxisProps(startMs: number, endMs: number) {
  return {
    type: "number" as const,
    dataKey: "timeMs",
    domain: [startMs, endMs] as [number, number],
    ticks: timeTicks(startMs, endMs),
    tickFormatter: (ms: number) => formatClock(ms),
    stroke: AXIS_COLOR,
    tick: TICK_STYLE,
    allowDataOverflow: true,
  };
}

/** A titled chart: the title names the measure and its unit; the legend is optional. */
export function ChartFrame({
  title,
  legend,
  children,
  testId,
}: {
  title: string;
  legend?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <figure className="px-1" data-testid={testId} aria-label={title}>
      <figcaption className="flex items-center justify-between gap-2 px-2 pb-1 text-xs font-medium text-ink-soft">
        <span>{title}</span>
        {legend}
      </figcaption>
      <div className="h-32">{children}</div>
    </figure>
  );
}

/** The tooltip box every panel chart uses: the bucket's time, then one row per series. */
export function ChartTooltipBox({ timeMs, rows }: { timeMs: number; rows: { label: string; value: string; color: string }[] }) {
  return (
    <div className="rounded-md border border-line-strong bg-panel-raised px-2.5 py-1.5 text-xs shadow-lg">
      <p className="mb-0.5 text-faint tabular-nums">{formatClock(timeMs, true)}</p>
      {rows.map((row) => (
        <p key={row.label} className="flex items-center gap-1.5 text-ink tabular-nums">
          <span aria-hidden="true" className="size-2 rounded-full" style={{ backgroundColor: row.color }} />
          <span className="text-muted">{row.label}</span> {row.value}
        </p>
      ))}
    </div>
  );
}
