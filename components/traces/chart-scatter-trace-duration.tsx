"use client";

import { useRouter } from "next/navigation";
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import type { TraceSummaryDto } from "@/lib/query-client/traces-schemas";
import { formatDurationUs } from "@/lib/traces/format-duration";
import { formatClock } from "@/lib/ui/format-time";
import { logDurationTicks, type ScatterPoint, toScatterPoints } from "@/lib/traces/to-scatter-points";

const OK_COLOR = "#38bdf8";
const ERROR_COLOR = "#f87171";

const formatClockSeconds = (ms: number) => formatClock(ms, true);
/** Six evenly spaced instants across the window (the window's own ends included). */
const timeTicks = (startMs: number, endMs: number) => Array.from({ length: 6 }, (_, i) => startMs + ((endMs - startMs) * i) / 5);
const formatAxisDuration = (ms: number) => formatDurationUs(ms * 1_000);

type ShapeProps = { cx?: number; cy?: number; payload?: ScatterPoint };

/**
 * One trace: a circle, or a cross for a trace with errors (shape as well as colour, so the
 * difference survives colour blindness). Clicking opens the trace.
 */
function TracePoint({ cx, cy, payload, onOpen }: ShapeProps & { onOpen: (traceId: string) => void }) {
  if (cx === undefined || cy === undefined || payload === undefined) return null;
  const label = `${payload.label}, ${formatAxisDuration(payload.durationMs)}${payload.hasError ? ", has errors" : ""}`;
  return (
    <g
      data-testid="scatter-point"
      data-trace-id={payload.traceId}
      className="cursor-pointer"
      onClick={() => onOpen(payload.traceId)}
      aria-label={label}
    >
      {/* A larger transparent target: small markers are hard to hit. */}
      <circle cx={cx} cy={cy} r={8} fill="transparent" />
      {payload.hasError ? (
        <path
          d={`M${cx - 4.5},${cy - 4.5}L${cx + 4.5},${cy + 4.5}M${cx + 4.5},${cy - 4.5}L${cx - 4.5},${cy + 4.5}`}
          stroke={ERROR_COLOR}
          strokeWidth={2.5}
          strokeLinecap="round"
        />
      ) : (
        <circle cx={cx} cy={cy} r={4} fill={OK_COLOR} fillOpacity={0.75} stroke={OK_COLOR} />
      )}
    </g>
  );
}

function ScatterTooltip({ active, payload }: { active?: boolean; payload?: { payload: ScatterPoint }[] }) {
  const point = active ? payload?.[0]?.payload : undefined;
  if (point === undefined) return null;
  return (
    <div className="rounded-md border border-line-strong bg-panel-raised px-3 py-2 text-xs shadow-lg">
      <p className="max-w-72 truncate font-medium text-ink">{point.label}</p>
      <p className="mt-0.5 text-muted tabular-nums">
        {formatAxisDuration(point.durationMs)} · {formatClockSeconds(point.timeMs)}
      </p>
      {point.hasError && <p className="mt-0.5 text-bad">Has error spans</p>}
      <p className="mt-1 text-faint">Click to open</p>
    </div>
  );
}

/** Trace duration (log scale) over start time for the search results; click a point to open it. */
export function ChartScatterTraceDuration({
  traces,
  startMs,
  endMs,
  traceHref,
}: {
  traces: TraceSummaryDto[];
  startMs: number;
  endMs: number;
  traceHref: (traceId: string) => string;
}) {
  const router = useRouter();
  const { ok, error } = toScatterPoints(traces);
  const ticks = logDurationTicks([...ok, ...error].map((p) => p.durationMs));
  const handleOpen = (traceId: string) => router.push(traceHref(traceId));
  const shape = (props: unknown) => <TracePoint {...(props as ShapeProps)} onOpen={handleOpen} />;

  return (
    <figure className="px-2 pt-3 pb-1" aria-label="Trace duration over time">
      <div className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 8, right: 20, bottom: 18, left: 8 }}>
            <CartesianGrid stroke="#1f2a36" strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="timeMs"
              domain={[startMs, endMs]}
              ticks={timeTicks(startMs, endMs)}
              tickFormatter={formatClockSeconds}
              stroke="#5f6d7b"
              tick={{ fontSize: 11, fill: "#8b98a6" }}
              label={{ value: "Start time (local)", position: "insideBottom", offset: -12, fill: "#5f6d7b", fontSize: 11 }}
            />
            <YAxis
              type="number"
              dataKey="durationMs"
              scale="log"
              domain={[ticks[0], ticks[ticks.length - 1]]}
              ticks={ticks}
              allowDataOverflow
              tickFormatter={formatAxisDuration}
              stroke="#5f6d7b"
              tick={{ fontSize: 11, fill: "#8b98a6" }}
              width={64}
              label={{
                value: "Duration (log)",
                angle: -90,
                position: "insideLeft",
                offset: 4,
                fill: "#5f6d7b",
                fontSize: 11,
                dy: 40,
              }}
            />
            <Tooltip content={<ScatterTooltip />} cursor={{ stroke: "#2b3948" }} isAnimationActive={false} />
            <Scatter name="Traces" data={ok} shape={shape} isAnimationActive={false} />
            <Scatter name="Traces with errors" data={error} shape={shape} isAnimationActive={false} />
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="flex items-center justify-end gap-4 px-4 text-xs text-muted">
        <span className="flex items-center gap-1.5">
          <svg aria-hidden="true" className="size-3" viewBox="0 0 12 12">
            <circle cx={6} cy={6} r={4} fill={OK_COLOR} />
          </svg>
          Trace
        </span>
        <span className="flex items-center gap-1.5">
          <svg aria-hidden="true" className="size-3" viewBox="0 0 12 12">
            <path d="M2,2L10,10M10,2L2,10" stroke={ERROR_COLOR} strokeWidth={2.5} strokeLinecap="round" />
          </svg>
          Trace with errors
        </span>
      </figcaption>
    </figure>
  );
}
