"use client";

import type { ReactElement, ReactNode } from "react";
import { CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS } from "@/components/service-detail/chart-colors";
import { buildTimeTicks, formatAxisTime } from "@/lib/service-detail/format-service-detail";

/**
 * The pieces every time chart draws the same way (service charts, Topology side panel,
 * Traffic split): grid, local time axis, labelled value axis, tooltip wiring, numbered marker
 * lines and the empty overlay. Functions returning elements, not components: recharts reads
 * its direct children.
 */

/** Horizontal grid lines and the numeric time axis with round local ticks. */
export function timeAxisElements({
  dataKey,
  domainStartMs,
  domainEndMs,
  maxTicks,
}: {
  dataKey: string;
  domainStartMs: number;
  domainEndMs: number;
  maxTicks: number;
}): ReactNode[] {
  const spanMs = domainEndMs - domainStartMs;
  const tzOffsetMs = -new Date(domainEndMs).getTimezoneOffset() * 60_000;
  const ticks = buildTimeTicks(domainStartMs, domainEndMs, maxTicks, tzOffsetMs);
  return [
    <CartesianGrid key="grid" stroke={CHART_COLORS.grid} strokeDasharray="3 3" vertical={false} />,
    <XAxis
      key="x"
      type="number"
      dataKey={dataKey}
      domain={[domainStartMs, domainEndMs]}
      allowDataOverflow
      ticks={ticks}
      tickFormatter={(ms: number) => formatAxisTime(ms, spanMs)}
      stroke={CHART_COLORS.axis}
      tick={{ fontSize: 11, fill: CHART_COLORS.tick }}
      label={{ value: "Time (local)", position: "insideBottom", offset: -12, fill: CHART_COLORS.axis, fontSize: 11 }}
    />,
  ];
}

/** The value axis, labelled with its unit ("Share (%)"). */
export function valueAxisElement({
  label,
  domain,
  ticks,
  tickFormatter,
}: {
  label: string;
  domain: [number, number];
  ticks: number[];
  tickFormatter?: (value: number) => string;
}): ReactElement {
  return (
    <YAxis
      domain={domain}
      ticks={ticks}
      allowDataOverflow
      tickFormatter={tickFormatter}
      stroke={CHART_COLORS.axis}
      tick={{ fontSize: 11, fill: CHART_COLORS.tick }}
      width={56}
      label={{
        value: label,
        angle: -90,
        position: "insideLeft",
        offset: 10,
        fill: CHART_COLORS.axis,
        fontSize: 11,
        style: { textAnchor: "middle" },
      }}
    />
  );
}

/** The tooltip with the given content; the keyboard moves it (recharts' accessibility layer). */
export function chartTooltipElement(content: ReactElement): ReactElement {
  return (
    <Tooltip
      content={content}
      cursor={{ stroke: CHART_COLORS.cursor }}
      isAnimationActive={false}
      // A bucket with only nulls stays in the tooltip (it says so itself).
      filterNull={false}
    />
  );
}

/** A marker's number in a circle above its line. */
export function MarkerLabel({
  viewBox,
  number,
  color,
  testId,
  kind,
}: {
  viewBox?: { x?: number; y?: number };
  number: number;
  color: string;
  testId: string;
  kind?: string;
}) {
  const x = viewBox?.x ?? 0;
  const y = (viewBox?.y ?? 0) - 9;
  return (
    <g data-testid={testId} data-kind={kind}>
      <circle cx={x} cy={y} r={8} fill="#0b0f14" stroke={color} strokeWidth={1.5} />
      <text x={x} y={y + 3.5} textAnchor="middle" fontSize={10} fontWeight={600} fill={color}>
        {number}
      </text>
    </g>
  );
}

/** A numbered marker line at `atMs` (dashed for route weight changes). */
export function markerLineElement({
  key,
  atMs,
  number,
  color,
  dashed,
  testId,
  kind,
}: {
  key: string | number;
  atMs: number;
  number: number;
  color: string;
  dashed: boolean;
  testId: string;
  kind?: string;
}): ReactElement {
  return (
    <ReferenceLine
      key={key}
      x={atMs}
      stroke={color}
      strokeDasharray={dashed ? "4 3" : undefined}
      strokeWidth={1.25}
      ifOverflow="hidden"
      label={<MarkerLabel number={number} color={color} testId={testId} kind={kind} />}
    />
  );
}

/** Shown over the plot when there is nothing to draw. */
export function ChartEmptyOverlay({ message }: { message: ReactNode }) {
  return (
    <div className="pointer-events-none absolute inset-0 flex items-center justify-center pb-6 pl-14">
      <p className="rounded-md bg-panel/90 px-3 py-1.5 text-sm text-muted">{message}</p>
    </div>
  );
}
