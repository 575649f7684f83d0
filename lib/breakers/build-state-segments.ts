import type { BreakerState } from "@/lib/control/contract";

/** `unknown`: before the breaker was first reported, or after its owner stopped reporting. */
export type SegmentState = BreakerState | "unknown";

export type StateSegment = { state: SegmentState; startMs: number; endMs: number };

export type SegmentTransition = { fromState: BreakerState; toState: BreakerState; atMs: number };

export type BuildStateSegmentsInput = {
  fromMs: number;
  toMs: number;
  /** This breaker's transitions inside the window, in any order. */
  transitions: SegmentTransition[];
  /** Its state when the window opened (its last transition before `fromMs`), if it had one. */
  priorState: BreakerState | null;
  /** What its owner reports now. */
  current: { state: BreakerState; stateSinceMs: number };
  /** When the owner last reported; after it, the state is unknown (owner not reporting). */
  staleSinceMs: number | null;
};

/**
 * A breaker's state over [fromMs, toMs] as contiguous segments, for a timeline strip.
 *
 * The start state comes from the last transition before the window; failing that, from the
 * first transition inside it (a breaker is in its `fromState` until it leaves it); failing
 * that, the current state from `stateSince` on, unknown before. A current state that no
 * stored transition explains (one lost while Breakwater was down) starts at `stateSince`.
 * Adjacent segments of one state are merged; empty ones are dropped.
 */
export function buildStateSegments(input: BuildStateSegmentsInput): StateSegment[] {
  const { fromMs, toMs, current } = input;
  if (toMs <= fromMs) return [];
  const transitions = [...input.transitions].sort((a, b) => a.atMs - b.atMs);

  const points: { atMs: number; state: SegmentState }[] = [];
  const first = transitions[0];
  if (input.priorState !== null) points.push({ atMs: fromMs, state: input.priorState });
  else if (first !== undefined) points.push({ atMs: fromMs, state: first.fromState });
  else {
    points.push({ atMs: fromMs, state: current.stateSinceMs > fromMs ? "unknown" : current.state });
    points.push({ atMs: current.stateSinceMs, state: current.state });
  }
  for (const transition of transitions) points.push({ atMs: transition.atMs, state: transition.toState });

  const last = transitions.at(-1);
  if (last !== undefined && last.toState !== current.state && current.stateSinceMs > last.atMs) {
    points.push({ atMs: current.stateSinceMs, state: current.state });
  }
  // Stable: the window-start point stays ahead of anything at the same instant.
  points.sort((a, b) => a.atMs - b.atMs);
  const { staleSinceMs } = input;
  const known = staleSinceMs === null ? points : points.filter((point) => point.atMs < staleSinceMs);
  if (staleSinceMs !== null) known.push({ atMs: Math.max(fromMs, staleSinceMs), state: "unknown" });

  const segments: StateSegment[] = [];
  known.forEach((point, index) => {
    const next = known[index + 1];
    const startMs = Math.max(fromMs, Math.min(toMs, point.atMs));
    const endMs = Math.max(fromMs, Math.min(toMs, next === undefined ? toMs : next.atMs));
    if (endMs <= startMs) return;
    const previous = segments.at(-1);
    if (previous !== undefined && previous.state === point.state && previous.endMs === startMs) previous.endMs = endMs;
    else segments.push({ state: point.state, startMs, endMs });
  });
  return segments;
}
