"use client";

import { Area, AreaChart, Tooltip, XAxis, YAxis } from "recharts";
import { formatRequestRate, withUnit } from "@/lib/overview/format-overview";
import type { OverviewSeriesPoint } from "@/lib/query-client/overview-schemas";
import { formatClock } from "@/lib/ui/format-time";

const RATE_COLOR = "#38bdf8";
const ERROR_COLOR = "#f87171";
const WIDTH = 120;
const HEIGHT = 30;

function SparklineTooltip({
  active,
  payload,
  bucketMs,
}: {
  active?: boolean;
  payload?: { payload: OverviewSeriesPoint }[];
  bucketMs: number;
}) {
  const point = active ? payload?.[0]?.payload : undefined;
  if (point === undefined) return null;
  return (
    <div className="rounded-md border border-line-strong bg-panel-raised px-2.5 py-1.5 text-xs whitespace-nowrap shadow-lg">
      <p className="text-muted tabular-nums">
        {formatClock(point.startMs)}–{formatClock(point.startMs + bucketMs)}
      </p>
      <p className="mt-0.5 text-ink tabular-nums">{withUnit(formatRequestRate(point.requestRate))}</p>
      {point.errorRate > 0 && <p className="text-bad tabular-nums">{withUnit(formatRequestRate(point.errorRate))} errors</p>}
    </div>
  );
}

/**
 * A row's request rate over the window (req/s per bucket; errors per second in red beneath),
 * sized for a table cell. No axes: the numbers are in the tooltip and in the label that
 * screen readers get; the peak sets the height, so rows are not comparable by height.
 */
export function ChartSparklineRequestRate({
  series,
  bucketMs,
  serviceName,
}: {
  series: OverviewSeriesPoint[];
  bucketMs: number;
  serviceName: string;
}) {
  let peak = 0;
  for (const point of series) peak = Math.max(peak, point.requestRate);
  const latest = series.at(-1)?.requestRate ?? 0;
  const label = `${serviceName} request rate over the window: peak ${withUnit(formatRequestRate(peak))}, last bucket ${withUnit(formatRequestRate(latest))}`;
  return (
    <figure role="img" aria-label={label} className="m-0 h-[30px] w-[120px]" data-testid="request-rate-sparkline">
      <AreaChart
        width={WIDTH}
        height={HEIGHT}
        data={series}
        margin={{ top: 2, right: 1, bottom: 1, left: 1 }}
        accessibilityLayer={false}
      >
        <XAxis dataKey="startMs" type="number" domain={["dataMin", "dataMax"]} hide />
        <YAxis type="number" domain={[0, peak > 0 ? peak : 1]} hide />
        <Tooltip
          content={<SparklineTooltip bucketMs={bucketMs} />}
          cursor={{ stroke: "#5f6d7b" }}
          isAnimationActive={false}
          allowEscapeViewBox={{ x: true, y: true }}
          wrapperStyle={{ zIndex: 30 }}
          position={{ y: -52 }}
        />
        <Area
          type="linear"
          dataKey="requestRate"
          name="Requests (req/s)"
          stroke={RATE_COLOR}
          fill={RATE_COLOR}
          fillOpacity={0.18}
          strokeWidth={1.5}
          isAnimationActive={false}
          dot={false}
        />
        <Area
          type="linear"
          dataKey="errorRate"
          name="Errors (req/s)"
          stroke="none"
          fill={ERROR_COLOR}
          fillOpacity={0.6}
          isAnimationActive={false}
          dot={false}
        />
      </AreaChart>
    </figure>
  );
}
