"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatMs } from "@/lib/topology/format-traffic";
import { type ChartPoint, valueTicks } from "@/lib/topology/to-chart-points";
import { AXIS_COLOR, ChartFrame, ChartTooltipBox, GRID_COLOR, TICK_STYLE, timeAxisProps } from "./chart-frame";
import { chartAnnotationElements, chartTopMargin, NO_CHART_ANNOTATIONS, type SidePanelChartProps } from "./chart-annotations";

const SERIES = [
  { key: "p50Ms", label: "p50", color: "#7dd3fc" },
  { key: "p95Ms", label: "p95", color: "#fbbf24" },
  { key: "p99Ms", label: "p99", color: "#f472b6" },
] as const;

type TooltipProps = { active?: boolean; payload?: { payload: ChartPoint }[] };

function LatencyTooltip({ active, payload }: TooltipProps) {
  const point = active ? payload?.[0]?.payload : undefined;
  if (point === undefined) return null;
  return (
    <ChartTooltipBox
      timeMs={point.timeMs}
      rows={SERIES.map((series) => ({ label: series.label, value: formatMs(point[series.key]), color: series.color }))}
    />
  );
}

function Legend() {
  return (
    <span className="flex items-center gap-2.5 font-normal text-muted">
      {SERIES.map((series) => (
        <span key={series.key} className="flex items-center gap-1">
          <span aria-hidden="true" className="h-0.5 w-3 rounded" style={{ backgroundColor: series.color }} />
          {series.label}
        </span>
      ))}
    </span>
  );
}

/** Latency percentiles (p50, p95, p99) per bucket in ms, from the rollup histograms. */
export function ChartLineLatency({
  points,
  startMs,
  endMs,
  testId,
  annotations = NO_CHART_ANNOTATIONS,
}: SidePanelChartProps & { testId?: string }) {
  const ticks = valueTicks(Math.max(0, ...points.map((point) => point.p99Ms ?? point.p95Ms ?? 0)), 1);
  return (
    <ChartFrame title="Latency (ms)" legend={<Legend />} testId={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: chartTopMargin(annotations), right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID_COLOR} strokeDasharray="3 3" vertical={false} />
          <XAxis {...timeAxisProps(startMs, endMs)} />
          <YAxis
            stroke={AXIS_COLOR}
            tick={TICK_STYLE}
            width={48}
            domain={[0, ticks[ticks.length - 1]]}
            ticks={ticks}
            tickFormatter={(v: number) => `${Number(v.toPrecision(3))}`}
          />
          <Tooltip content={<LatencyTooltip />} cursor={{ stroke: "#2b3948" }} isAnimationActive={false} />
          {chartAnnotationElements(annotations, startMs, endMs)}
          {SERIES.map((series) => (
            <Line
              key={series.key}
              type="monotone"
              dataKey={series.key}
              name={series.label}
              stroke={series.color}
              strokeWidth={1.5}
              dot={{ r: 1.75, strokeWidth: 0, fill: series.color }}
              connectNulls={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
