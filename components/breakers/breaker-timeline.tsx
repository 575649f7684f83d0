import { buildStateSegments, type SegmentTransition, type StateSegment } from "@/lib/breakers/build-state-segments";
import { formatElapsed } from "@/lib/breakers/format-breaker";
import { breakerKey, isOwnerReporting } from "@/lib/breakers/summarize-breakers";
import { buildTimeTicks } from "@/lib/breakers/time-ticks";
import { BREAKER_STATES } from "@/lib/control/contract";
import type { BreakerSummary, BreakerTransitionsResponse } from "@/lib/query-client/breakers-schemas";
import { BREAKER_STATE_DISPLAY, segmentStateDisplay, UNKNOWN_STATE_DISPLAY } from "./breaker-state-display";

/** Segments narrower than this share of the strip are too small for their icon. */
const ICON_MIN_SHARE = 0.04;
const MIN_SEGMENT_PX = 3;

/** "30 min ago" relative to the window's right edge (now, when the window was fetched). */
function agoLabel(ms: number, toMs: number): string {
  return toMs - ms < 1_000 ? "now" : `${formatElapsed(toMs - ms)} ago`;
}

function describeLane(label: string, segments: StateSegment[], toMs: number): string {
  const parts = segments.map((segment) => {
    const { label: state } = segmentStateDisplay(segment.state);
    return `${state} until ${agoLabel(segment.endMs, toMs)}`;
  });
  return `${label}: ${parts.join(", then ")}`;
}

/** Per breaker key: its transitions inside the window, as timestamps. */
function groupTransitions(transitions: BreakerTransitionsResponse["transitions"]) {
  const byKey = new Map<string, SegmentTransition[]>();
  for (const transition of transitions) {
    const key = breakerKey(transition);
    const list = byKey.get(key) ?? [];
    list.push({ fromState: transition.fromState, toState: transition.toState, atMs: Date.parse(transition.at) });
    byKey.set(key, list);
  }
  return byKey;
}

function Lane({ label, segments, fromMs, toMs }: { label: string; segments: StateSegment[]; fromMs: number; toMs: number }) {
  const spanMs = toMs - fromMs;
  return (
    <div
      role="img"
      aria-label={describeLane(label, segments, toMs)}
      className="relative h-6 overflow-hidden rounded bg-canvas ring-1 ring-line"
    >
      {segments.map((segment) => {
        const display = segmentStateDisplay(segment.state);
        const Icon = display.icon;
        const share = (segment.endMs - segment.startMs) / spanMs;
        return (
          <span
            key={segment.startMs}
            data-testid="timeline-segment"
            data-state={segment.state}
            title={`${display.label}: ${agoLabel(segment.startMs, toMs)} → ${agoLabel(segment.endMs, toMs)} (${formatElapsed(segment.endMs - segment.startMs)})`}
            className={`absolute inset-y-0 flex items-center justify-center border-r border-canvas/60 last:border-r-0 ${display.fillClass}`}
            style={{
              left: `${((segment.startMs - fromMs) / spanMs) * 100}%`,
              width: `${share * 100}%`,
              // A 10 s open spell in a 24 h window is a sliver of a pixel: keep every non-closed spell visible.
              minWidth: segment.state === "closed" ? undefined : MIN_SEGMENT_PX,
            }}
          >
            {share >= ICON_MIN_SHARE && segment.state !== "unknown" && <Icon className="size-3.5 text-canvas/90" />}
          </span>
        );
      })}
    </div>
  );
}

export function TimelineLegend() {
  const entries = [...BREAKER_STATES.map((state) => BREAKER_STATE_DISPLAY[state]), UNKNOWN_STATE_DISPLAY];
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1.5 text-xs text-muted" aria-label="Timeline legend">
      {entries.map((display) => {
        const Icon = display.icon;
        return (
          <li key={display.label} className="flex items-center gap-1.5" title={display.meaning}>
            <span aria-hidden="true" className={`inline-block h-3 w-5 rounded-sm ring-1 ring-line ${display.fillClass}`} />
            <Icon className={`size-3.5 ${display.textClass}`} />
            {display.label}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * One strip per breaker showing its state across the window, on a shared time axis whose
 * right edge is "now" (when the data was fetched).
 */
export function BreakerTimeline({ breakers, data }: { breakers: BreakerSummary[]; data: BreakerTransitionsResponse }) {
  const fromMs = Date.parse(data.from);
  const toMs = Date.parse(data.to);
  const byKey = groupTransitions(data.transitions);
  const priorByKey = new Map(data.priorStates.map((prior) => [breakerKey(prior), prior.state]));
  const ticks = buildTimeTicks(toMs - fromMs);

  return (
    <div className="px-4 py-3">
      <ul className="space-y-2" data-testid="breaker-timeline">
        {breakers.map((breaker) => {
          const key = breakerKey(breaker);
          const segments = buildStateSegments({
            fromMs,
            toMs,
            transitions: byKey.get(key) ?? [],
            priorState: priorByKey.get(key) ?? null,
            current: { state: breaker.state, stateSinceMs: Date.parse(breaker.stateSince) },
            staleSinceMs: isOwnerReporting(breaker.ownerStatus) ? null : Date.parse(breaker.updatedAt),
          });
          const label = `${breaker.ownerInstanceId} to ${breaker.targetInstanceId}`;
          return (
            <li
              key={key}
              className="grid grid-cols-[15rem_1fr] items-center gap-3"
              data-testid="timeline-lane"
              data-breaker={key}
            >
              <span
                className="truncate font-mono text-xs text-ink-soft"
                title={`${breaker.ownerInstanceId} → ${breaker.targetInstanceId}`}
              >
                {breaker.ownerInstanceId} <span className="text-faint">→</span> {breaker.targetInstanceId}
              </span>
              <Lane label={label} segments={segments} fromMs={fromMs} toMs={toMs} />
            </li>
          );
        })}
      </ul>
      <div aria-hidden="true" className="mt-1.5 grid grid-cols-[15rem_1fr] gap-3">
        <span />
        <div className="relative h-5 border-t border-line">
          {ticks.map((tick) => (
            <span
              key={tick.label}
              className="absolute top-0 flex flex-col items-center text-[11px] whitespace-nowrap text-faint tabular-nums"
              style={{
                left: `${tick.offset * 100}%`,
                transform: tick.offset === 0 ? "none" : tick.offset === 1 ? "translateX(-100%)" : "translateX(-50%)",
                alignItems: tick.offset === 0 ? "flex-start" : tick.offset === 1 ? "flex-end" : "center",
              }}
            >
              <span className="h-1.5 w-px bg-line-strong" />
              {tick.label}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}
