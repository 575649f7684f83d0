"use client";

import { formatPercent } from "@/lib/service-detail/format-service-detail";
import { CHART_COLORS } from "./chart-colors";
import type { ServiceChartProps } from "./service-charts";
import { type ChartSeries, ServiceTimeChart } from "./service-time-chart";

export const ERROR_SERIES: readonly ChartSeries[] = [
  { key: "errorPct", label: "Errors", color: CHART_COLORS.errors, shape: "line" },
];

/** Error percentage per bucket (spans with status ERROR ÷ calls); gaps where there were no calls. */
export function ChartLineErrorRate(props: ServiceChartProps) {
  return (
    <ServiceTimeChart
      {...props}
      series={ERROR_SERIES}
      yLabel="Errors (%)"
      formatValue={formatPercent}
      yDomainMin={1}
      maxTimeTicks={5}
      height={200}
      testId="chart-errors"
    />
  );
}
