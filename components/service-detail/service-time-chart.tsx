"use client";

import type { ReactNode } from "react";
import { Area, ComposedChart, Line, ReferenceArea, ResponsiveContainer } from "recharts";
import {
  ChartEmptyOverlay,
  chartTooltipElement,
  markerLineElement,
  timeAxisElements,
  valueAxisElement,
} from "@/components/charts/time-chart-parts";
import type { AnnotationMarker, BreakerSpell } from "@/lib/service-detail/place-annotations";
import { formatAxisNumber } from "@/lib/service-detail/format-service-detail";
import { formatClock } from "@/lib/ui/format-time";
import { type SeriesRow, valueAxisTicks } from "@/lib/service-detail/to-series-rows";
import { ANNOTATION_TONE_COLOR, SPELL_FILL } from "./chart-colors";

/**
 * The one recipe for the service detail charts: time on x (numeric ms, the window's buckets),
 * one value axis labelled with its unit, lines or areas from the rows, and the page's
 * annotations — shaded breaker spells and numbered marker lines whose numbers match the list
 * under the charts. Charts of one page share `syncId`, so the tooltip follows across them;
 * recharts' accessibility layer lets the keyboard move it (focus the chart, then ←/→).
 */

export type ChartSeries = {
  key: "ratePerS" | "errorPct" | "p50Ms" | "p95Ms" | "p99Ms";
  label: string;
  color: string;
  /** Line dash (p95 and p99 differ by pattern as well as colour). */
  dash?: string;
  shape: "line" | "area";
};

type DotProps = { cx?: number; cy?: number; payload?: unknown };

/** A dot only where a bucket with calls stands alone (a line cannot connect it to anything). */
function isolatedDot(color: string) {
  function IsolatedDot({ cx, cy, payload }: DotProps) {
    if (cx === undefined || cy === undefined || (payload as SeriesRow | undefined)?.isIsolated !== true) return null;
    return <circle cx={cx} cy={cy} r={2.5} fill={color} stroke={color} />;
  }
  return IsolatedDot;
}

/** A page annotation's numbered marker line (shared with the Topology side panel's charts). */
export function markerAnnotationLine(marker: AnnotationMarker, key: string | number = marker.number) {
  return markerLineElement({
    key,
    atMs: marker.atMs,
    number: marker.number,
    color: ANNOTATION_TONE_COLOR[marker.tone],
    dashed: marker.kind === "route",
    testId: "chart-annotation",
    kind: marker.kind,
  });
}

type TooltipProps = {
  active?: boolean;
  payload?: { payload: SeriesRow }[];
  series: readonly ChartSeries[];
  formatValue: (value: number) => string;
  spanMs: number;
};

function ChartTooltip({ active, payload, series, formatValue, spanMs }: TooltipProps) {
  const row = active ? payload?.[0]?.payload : undefined;
  if (row === undefined) return null;
  const withSeconds = spanMs <= 10 * 60_000;
  return (
    <div className="rounded-md border border-line-strong bg-panel-raised px-3 py-2 text-xs shadow-lg">
      <p className="text-muted tabular-nums">
        {formatClock(row.startMs, withSeconds)}–{formatClock(row.endMs, withSeconds)}
        {row.isPartial ? " (so far)" : ""}
      </p>
      {row.calls === 0 ? (
        <p className="mt-1 text-ink-soft">No requests</p>
      ) : (
        <ul className="mt-1 space-y-0.5">
          {series.map((s) => {
            const value = row[s.key];
            return (
              <li key={s.key} className="flex items-center justify-between gap-4 tabular-nums">
                <span className="flex items-center gap-1.5 text-muted">
                  <span aria-hidden="true" className="inline-block h-0.5 w-3" style={{ backgroundColor: s.color }} />
                  {s.label}
                </span>
                <span className="font-medium text-ink">{value === null ? "–" : formatValue(value)}</span>
              </li>
            );
          })}
          <li className="pt-0.5 text-faint tabular-nums">
            {row.calls.toLocaleString("en-US")} {row.calls === 1 ? "call" : "calls"}, {row.errors.toLocaleString("en-US")}{" "}
            {row.errors === 1 ? "error" : "errors"}
          </li>
        </ul>
      )}
    </div>
  );
}

export function ServiceTimeChart({
  rows,
  series,
  domainStartMs,
  domainEndMs,
  yLabel,
  formatValue,
  yDomainMin,
  markers,
  spells,
  syncId,
  height,
  emptyMessage,
  testId,
  maxTimeTicks,
}: {
  rows: readonly SeriesRow[];
  series: readonly ChartSeries[];
  domainStartMs: number;
  domainEndMs: number;
  /** The axis label, with its unit: "Latency (ms)". */
  yLabel: string;
  /** A value with its unit, for the tooltip: "12.3 ms". */
  formatValue: (value: number) => string;
  /** The least top of the value axis (an all-zero or empty series still gets a readable one). */
  yDomainMin: number;
  markers: readonly AnnotationMarker[];
  spells: readonly BreakerSpell[];
  syncId: string;
  height: number;
  /** Shown over the plot when there is nothing to draw. */
  emptyMessage?: ReactNode;
  testId: string;
  /** Most labels on the time axis: fewer on a half-width chart. */
  maxTimeTicks: number;
}) {
  const spanMs = domainEndMs - domainStartMs;
  const yTicks = valueAxisTicks(
    rows,
    series.map((s) => s.key),
    yDomainMin,
  );
  return (
    <div className="relative" style={{ height }} data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart
          data={[...rows]}
          syncId={syncId}
          margin={{ top: 20, right: 16, bottom: 18, left: 4 }}
          title={`${yLabel} over time`}
          desc="Focus the chart and use the left and right arrow keys to read each time bucket."
        >
          {timeAxisElements({ dataKey: "startMs", domainStartMs, domainEndMs, maxTicks: maxTimeTicks })}
          {valueAxisElement({
            label: yLabel,
            domain: [0, yTicks.at(-1) ?? yDomainMin],
            ticks: yTicks,
            tickFormatter: formatAxisNumber,
          })}
          {spells.map((spell) => (
            <ReferenceArea
              key={`${spell.startMs}-${spell.state}`}
              x1={Math.max(spell.startMs, domainStartMs)}
              x2={Math.min(spell.endMs, domainEndMs)}
              fill={SPELL_FILL[spell.state]}
              fillOpacity={1}
              ifOverflow="hidden"
            />
          ))}
          {chartTooltipElement(<ChartTooltip series={series} formatValue={formatValue} spanMs={spanMs} />)}
          {series.map((s) =>
            s.shape === "area" ? (
              <Area
                key={s.key}
                type="linear"
                dataKey={s.key}
                name={s.label}
                stroke={s.color}
                fill={s.color}
                fillOpacity={0.15}
                strokeWidth={1.5}
                dot={false}
                activeDot={{ r: 3 }}
                isAnimationActive={false}
              />
            ) : (
              <Line
                key={s.key}
                type="linear"
                dataKey={s.key}
                name={s.label}
                stroke={s.color}
                strokeDasharray={s.dash}
                strokeWidth={1.5}
                dot={isolatedDot(s.color)}
                activeDot={{ r: 3 }}
                connectNulls={false}
                isAnimationActive={false}
              />
            ),
          )}
          {markers.map((marker) => markerAnnotationLine(marker))}
        </ComposedChart>
      </ResponsiveContainer>
      {emptyMessage !== undefined && <ChartEmptyOverlay message={emptyMessage} />}
    </div>
  );
}
