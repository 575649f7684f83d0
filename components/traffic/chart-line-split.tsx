"use client";

import { ComposedChart, Line, ResponsiveContainer } from "recharts";
import {
  ChartEmptyOverlay,
  chartTooltipElement,
  markerLineElement,
  timeAxisElements,
  valueAxisElement,
} from "@/components/charts/time-chart-parts";
import { ANNOTATION_TONE_COLOR } from "@/components/service-detail/chart-colors";
import { type SplitChartRow, splitKey, type SplitMarker, type SplitSource } from "@/lib/traffic/split-chart-rows";
import { formatCount, formatPercentNumber } from "@/lib/ui/format-number";
import { formatClock } from "@/lib/ui/format-time";
import { versionColor } from "./version-colors";

/**
 * Configured vs observed split over time, in the service charts' recipe (numeric time axis
 * with round local ticks, a value axis labelled with its unit, numbered weight-change marker
 * lines, keyboard tooltip): per version, the configured weight as a step line (faint, wide),
 * the share observed by the LB counters (solid) and, when shown, by spans (dashed).
 */

const PERCENT_TICKS = [0, 25, 50, 75, 100];

export const SPLIT_SOURCE_STYLE: Record<SplitSource, { label: string; dash?: string; width: number; opacity: number }> = {
  configured: { label: "configured", width: 3, opacity: 0.5 },
  lb: { label: "observed (LB counters)", width: 1.75, opacity: 1 },
  spans: { label: "observed (spans)", dash: "5 3", width: 1.5, opacity: 0.9 },
};

type TooltipProps = {
  active?: boolean;
  payload?: { payload: SplitChartRow }[];
  versions: readonly string[];
  sources: readonly SplitSource[];
  stepMs: number;
};

function SplitTooltip({ active, payload, versions, sources, stepMs }: TooltipProps) {
  const row = active ? payload?.[0]?.payload : undefined;
  if (row === undefined) return null;
  const cell = (value: number | null | undefined) =>
    value === null || value === undefined ? "–" : `${formatPercentNumber(value)} %`;
  return (
    <div className="rounded-md border border-line-strong bg-panel-raised px-3 py-2 text-xs shadow-lg">
      <p className="text-muted tabular-nums">
        {formatClock(row.t, true)}–{formatClock(row.t + stepMs, true)}
      </p>
      <table className="mt-1 tabular-nums">
        <thead>
          <tr className="text-faint">
            <th className="pr-3 text-left font-normal" />
            {sources.map((source) => (
              <th key={source} className="pl-3 text-right font-normal">
                {source === "configured" ? "config" : source === "lb" ? "LB" : "spans"}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {versions.map((version, index) => (
            <tr key={version}>
              <td className="pr-3 text-muted">
                <span className="inline-flex items-center gap-1.5">
                  <span
                    aria-hidden="true"
                    className="inline-block size-2 rounded-full"
                    style={{ backgroundColor: versionColor(index) }}
                  />
                  {version}
                </span>
              </td>
              {sources.map((source) => (
                <td key={source} className="pl-3 text-right font-medium text-ink">
                  {cell(row[splitKey(source, version)])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="pt-0.5 text-faint tabular-nums">
        {formatCount(row.lbTotal)} requests (LB){sources.includes("spans") ? `, ${formatCount(row.spansTotal)} (spans)` : ""}
      </p>
    </div>
  );
}

export function ChartLineSplit({
  rows,
  versions,
  sources,
  markers,
  domainStartMs,
  domainEndMs,
  stepMs,
  emptyMessage,
}: {
  rows: readonly SplitChartRow[];
  versions: readonly string[];
  sources: readonly SplitSource[];
  markers: readonly SplitMarker[];
  domainStartMs: number;
  domainEndMs: number;
  stepMs: number;
  emptyMessage?: string;
}) {
  return (
    <div className="relative h-[260px]" data-testid="chart-split">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart
          data={[...rows]}
          margin={{ top: 20, right: 16, bottom: 18, left: 4 }}
          title="Share of requests per version (%) over time, configured and observed"
          desc="Focus the chart and use the left and right arrow keys to read each 10-second bucket."
        >
          {timeAxisElements({ dataKey: "t", domainStartMs, domainEndMs, maxTicks: 7 })}
          {valueAxisElement({ label: "Share (%)", domain: [0, 100], ticks: PERCENT_TICKS })}
          {chartTooltipElement(<SplitTooltip versions={versions} sources={sources} stepMs={stepMs} />)}
          {sources.flatMap((source) =>
            versions.map((version, index) => {
              const style = SPLIT_SOURCE_STYLE[source];
              return (
                <Line
                  key={splitKey(source, version)}
                  type={source === "configured" ? "stepAfter" : "linear"}
                  dataKey={splitKey(source, version)}
                  name={`${version} ${style.label}`}
                  stroke={versionColor(index)}
                  strokeOpacity={style.opacity}
                  strokeDasharray={style.dash}
                  strokeWidth={style.width}
                  dot={false}
                  activeDot={source === "configured" ? false : { r: 3 }}
                  connectNulls={false}
                  isAnimationActive={false}
                />
              );
            }),
          )}
          {markers.map((marker) =>
            markerLineElement({
              key: marker.number,
              atMs: marker.atMs,
              number: marker.number,
              color: ANNOTATION_TONE_COLOR.info,
              dashed: true,
              testId: "split-annotation",
            }),
          )}
        </ComposedChart>
      </ResponsiveContainer>
      {emptyMessage !== undefined && <ChartEmptyOverlay message={emptyMessage} />}
    </div>
  );
}
