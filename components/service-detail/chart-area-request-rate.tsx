"use client";

import { formatRate } from "@/lib/service-detail/format-service-detail";
import { CHART_COLORS } from "./chart-colors";
import type { ServiceChartProps } from "./service-charts";
import { type ChartSeries, ServiceTimeChart } from "./service-time-chart";

export const RATE_SERIES: readonly ChartSeries[] = [
  { key: "ratePerS", label: "Requests", color: CHART_COLORS.rate, shape: "area" },
];

/** Requests per second per bucket (0 where there were none). */
export function ChartAreaRequestRate(props: ServiceChartProps) {
  return (
    <ServiceTimeChart
      {...props}
      series={RATE_SERIES}
      yLabel="Rate (req/s)"
      formatValue={formatRate}
      yDomainMin={0.1}
      maxTimeTicks={5}
      height={200}
      testId="chart-rate"
    />
  );
}
