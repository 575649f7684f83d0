"use client";

import { formatMs } from "@/lib/service-detail/format-service-detail";
import type { ChartSeries } from "./service-time-chart";
import { ServiceTimeChart } from "./service-time-chart";
import type { ServiceChartProps } from "./service-charts";
import { CHART_COLORS } from "./chart-colors";

export const LATENCY_SERIES: readonly ChartSeries[] = [
  { key: "p50Ms", label: "p50", color: CHART_COLORS.p50, shape: "line" },
  { key: "p95Ms", label: "p95", color: CHART_COLORS.p95, dash: "6 3", shape: "line" },
  { key: "p99Ms", label: "p99", color: CHART_COLORS.p99, dash: "2 3", shape: "line" },
];

/** p50/p95/p99 latency in ms per bucket; gaps where a bucket had no calls. */
export function ChartLineLatency(props: ServiceChartProps) {
  return (
    <ServiceTimeChart
      {...props}
      series={LATENCY_SERIES}
      yLabel="Latency (ms)"
      formatValue={formatMs}
      yDomainMin={1}
      maxTimeTicks={8}
      height={240}
      testId="chart-latency"
    />
  );
}
