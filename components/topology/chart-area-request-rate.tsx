"use client";

import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatRps } from "@/lib/topology/format-traffic";
import { type ChartPoint, valueTicks } from "@/lib/topology/to-chart-points";
import { AXIS_COLOR, ChartFrame, ChartTooltipBox, GRID_COLOR, TICK_STYLE, timeAxisProps } from "./chart-frame";
import { chartAnnotationElements, chartTopMargin, NO_CHART_ANNOTATIONS, type SidePanelChartProps } from "./chart-annotations";

const COLOR = "#38bdf8";
const formatTick = (value: number) => String(Number(value.toPrecision(3)));

type TooltipProps = { active?: boolean; payload?: { payload: ChartPoint }[] };

function RateTooltip({ active, payload }: TooltipProps) {
  const point = active ? payload?.[0]?.payload : undefined;
  if (point === undefined) return null;
  return <ChartTooltipBox timeMs={point.timeMs} rows={[{ label: "rate", value: formatRps(point.rps), color: COLOR }]} />;
}

/** Requests per second per bucket. */
export function ChartAreaRequestRate({ points, startMs, endMs, annotations = NO_CHART_ANNOTATIONS }: SidePanelChartProps) {
  const ticks = valueTicks(Math.max(0, ...points.map((point) => point.rps)), 0.1);
  return (
    <ChartFrame title="Request rate (req/s)">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={points} margin={{ top: chartTopMargin(annotations), right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={GRID_COLOR} strokeDasharray="3 3" vertical={false} />
          <XAxis {...timeAxisProps(startMs, endMs)} />
          <YAxis
            stroke={AXIS_COLOR}
            tick={TICK_STYLE}
            width={48}
            domain={[0, ticks[ticks.length - 1]]}
            ticks={ticks}
            tickFormatter={formatTick}
          />
          <Tooltip content={<RateTooltip />} cursor={{ stroke: "#2b3948" }} isAnimationActive={false} />
          {chartAnnotationElements(annotations, startMs, endMs)}
          <Area
            type="monotone"
            dataKey="rps"
            stroke={COLOR}
            fill={COLOR}
            fillOpacity={0.15}
            strokeWidth={1.5}
            isAnimationActive={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
