"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatErrorRate } from "@/lib/topology/format-traffic";
import { type ChartPoint, valueTicks } from "@/lib/topology/to-chart-points";
import { AXIS_COLOR, ChartFrame, ChartTooltipBox, GRID_COLOR, TICK_STYLE, timeAxisProps } from "./chart-frame";
import { chartAnnotationElements, chartTopMargin, NO_CHART_ANNOTATIONS, type SidePanelChartProps } from "./chart-annotations";

const COLOR = "#f87171";

type TooltipProps = { active?: boolean; payload?: { payload: ChartPoint }[] };

function ErrorTooltip({ active, payload }: TooltipProps) {
  const point = active ? payload?.[0]?.payload : undefined;
  if (point === undefined) return null;
  const value = point.errorPercent === null ? "no calls" : formatErrorRate(point.errorPercent / 100);
  return <ChartTooltipBox timeMs={point.timeMs} rows={[{ label: "errors", value, color: COLOR }]} />;
}

/** Share of calls that failed per bucket, in percent (gaps where there were no calls). */
export function ChartLineErrorRate({ points, startMs, endMs, annotations = NO_CHART_ANNOTATIONS }: SidePanelChartProps) {
  const ticks = valueTicks(Math.max(0, ...points.map((point) => point.errorPercent ?? 0)), 1);
  return (
    <ChartFrame title="Error rate (%)">
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
            tickFormatter={(v: number) => `${Number(v.toPrecision(3))} %`}
          />
          <Tooltip content={<ErrorTooltip />} cursor={{ stroke: "#2b3948" }} isAnimationActive={false} />
          {chartAnnotationElements(annotations, startMs, endMs)}
          <Line
            type="monotone"
            dataKey="errorPercent"
            stroke={COLOR}
            strokeWidth={1.5}
            dot={{ r: 1.75, strokeWidth: 0, fill: COLOR }}
            connectNulls={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
