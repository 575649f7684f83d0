import type { BreakerState } from "@/lib/control/contract";

/**
 * Route weight changes and breaker transitions → what the service charts draw: numbered
 * markers (a vertical line each, the number as its label, the same number in the list under
 * the charts) and shaded spells while a breaker on the service's edges was not closed.
 * Events closer together than `minGapMs` (about a bucket, or a sixtieth of the axis) share a
 * marker, so a burst of transitions is one labelled line rather than a smear of them.
 */

export type RouteChangeInput = {
  routeId: string;
  routeVersion: number;
  oldBackends: { version: string; weight: number }[] | null;
  newBackends: { version: string; weight: number }[];
  actor: string;
  reason: string | null;
  /** ISO 8601. */
  at: string;
};

export type BreakerTransitionInput = {
  ownerInstanceId: string;
  ownerService: string;
  targetInstanceId: string;
  targetService: string;
  fromState: BreakerState;
  toState: BreakerState;
  at: string;
  reason: string | null;
};

export type AnnotationTone = "info" | "ok" | "warn" | "bad";

export type RouteChangeEvent = {
  kind: "route";
  atMs: number;
  routeId: string;
  routeVersion: number;
  /** "v1 100 → 50 %, v2 0 → 50 %"; "created: v1 100 %" for a new route. */
  weights: string;
  actor: string;
  reason: string | null;
};

export type BreakerEvent = {
  kind: "breaker";
  atMs: number;
  ownerInstanceId: string;
  targetInstanceId: string;
  fromState: BreakerState;
  toState: BreakerState;
  reason: string | null;
  tone: AnnotationTone;
};

export type AnnotationEvent = RouteChangeEvent | BreakerEvent;

export type AnnotationMarker = {
  /** 1, 2, 3… in time order: the line's label and the list's entry. */
  number: number;
  kind: "route" | "breaker";
  /** Where the line is drawn: the group's first event, clamped to the axis. */
  atMs: number;
  /** Oldest first. */
  events: AnnotationEvent[];
  /** The worst tone of its events (route changes are "info"). */
  tone: AnnotationTone;
};

type Transition = { atMs: number; fromState: BreakerState; toState: BreakerState };

export type BreakerSpell = { startMs: number; endMs: number; state: "open" | "half_open" };

/** What a breaker entering a state means for the service's traffic. */
export const BREAKER_STATE_TONE: Record<BreakerState, AnnotationTone> = {
  closed: "ok",
  half_open: "warn",
  open: "bad",
  forced_open: "bad",
  disabled: "info",
};

const TONE_RANK: Record<AnnotationTone, number> = { info: 0, ok: 1, warn: 2, bad: 3 };

/** "v1 100 → 50 %, v2 0 → 50 %" (versions in the new order, then any that were dropped). */
export function describeWeightChange(
  oldBackends: RouteChangeInput["oldBackends"],
  newBackends: RouteChangeInput["newBackends"],
): string {
  if (oldBackends === null) {
    return `created: ${newBackends.map((backend) => `${backend.version} ${backend.weight} %`).join(", ")}`;
  }
  const oldWeights = new Map(oldBackends.map((backend) => [backend.version, backend.weight]));
  const parts = newBackends.map((backend) => {
    const before = oldWeights.get(backend.version);
    oldWeights.delete(backend.version);
    return before === undefined || before === backend.weight
      ? `${backend.version} ${before === undefined ? "new, " : ""}${backend.weight} %`
      : `${backend.version} ${before} → ${backend.weight} %`;
  });
  for (const [version, weight] of oldWeights) parts.push(`${version} ${weight} % → removed`);
  return parts.join(", ");
}

function toEvents(routeChanges: readonly RouteChangeInput[], transitions: readonly BreakerTransitionInput[]): AnnotationEvent[] {
  const events: AnnotationEvent[] = [];
  for (const change of routeChanges) {
    events.push({
      kind: "route",
      atMs: Date.parse(change.at),
      routeId: change.routeId,
      routeVersion: change.routeVersion,
      weights: describeWeightChange(change.oldBackends, change.newBackends),
      actor: change.actor,
      reason: change.reason,
    });
  }
  for (const transition of transitions) {
    events.push({
      kind: "breaker",
      atMs: Date.parse(transition.at),
      ownerInstanceId: transition.ownerInstanceId,
      targetInstanceId: transition.targetInstanceId,
      fromState: transition.fromState,
      toState: transition.toState,
      reason: transition.reason,
      tone: BREAKER_STATE_TONE[transition.toState],
    });
  }
  return events;
}

const toneOf = (event: AnnotationEvent): AnnotationTone => (event.kind === "route" ? "info" : event.tone);

/**
 * Markers for the events inside [domainStartMs, domainEndMs], numbered in time order. Within
 * a kind, an event joins the current marker while it is at most `minGapMs` after the
 * marker's first event.
 */
export function placeAnnotations(input: {
  routeChanges: readonly RouteChangeInput[];
  breakerTransitions: readonly BreakerTransitionInput[];
  domainStartMs: number;
  domainEndMs: number;
  minGapMs: number;
}): AnnotationMarker[] {
  const events = toEvents(input.routeChanges, input.breakerTransitions)
    .filter((event) => event.atMs >= input.domainStartMs && event.atMs <= input.domainEndMs)
    .sort((a, b) => a.atMs - b.atMs);
  const markers: Omit<AnnotationMarker, "number">[] = [];
  const open: Partial<Record<AnnotationEvent["kind"], Omit<AnnotationMarker, "number">>> = {};
  for (const event of events) {
    const current = open[event.kind];
    if (current !== undefined && event.atMs - current.atMs <= input.minGapMs) {
      current.events.push(event);
      if (TONE_RANK[toneOf(event)] > TONE_RANK[current.tone]) current.tone = toneOf(event);
      continue;
    }
    const marker = { kind: event.kind, atMs: event.atMs, events: [event], tone: toneOf(event) };
    markers.push(marker);
    open[event.kind] = marker;
  }
  // Markers were created in time order of their first events already.
  return markers.map((marker, index) => ({ ...marker, number: index + 1 }));
}

/** The marker gap for an axis: a bucket, or a sixtieth of the axis when that is wider (≈ 15 px at 1280 px). */
export function annotationGapMs(domainStartMs: number, domainEndMs: number, bucketMs: number): number {
  return Math.max(bucketMs, (domainEndMs - domainStartMs) / 60);
}

/** A breaker's state when the axis starts (its last transition before it), as the annotations API gives it. */
export type BreakerPriorStateInput = { ownerInstanceId: string; targetInstanceId: string; state: BreakerState };

/**
 * Spells in [domainStartMs, domainEndMs] during which at least one breaker was open (or
 * forced open), else half-open. Each breaker starts the axis in its prior state (its last
 * transition before the window, so a spell that began earlier is shaded from the left edge),
 * or — without one, e.g. its first report came inside the window — in its first transition's
 * from-state; transitions inside the window then change it, and the last state runs to the
 * end. Overlapping spells merge, open winning over half-open.
 */
export function breakerSpells(input: {
  breakerTransitions: readonly BreakerTransitionInput[];
  breakerPriorStates: readonly BreakerPriorStateInput[];
  domainStartMs: number;
  domainEndMs: number;
}): BreakerSpell[] {
  const { domainStartMs, domainEndMs } = input;
  const keyOf = (breaker: { ownerInstanceId: string; targetInstanceId: string }) =>
    `${breaker.ownerInstanceId}\u0000${breaker.targetInstanceId}`;
  const byBreaker = new Map<string, { initial: BreakerState | null; transitions: Transition[] }>();
  const entryOf = (key: string) => {
    let entry = byBreaker.get(key);
    if (entry === undefined) {
      entry = { initial: null, transitions: [] };
      byBreaker.set(key, entry);
    }
    return entry;
  };
  for (const prior of input.breakerPriorStates) entryOf(keyOf(prior)).initial = prior.state;
  for (const t of input.breakerTransitions) {
    entryOf(keyOf(t)).transitions.push({ atMs: Date.parse(t.at), fromState: t.fromState, toState: t.toState });
  }
  // Per-breaker spells, then a sweep: at every boundary, the worst state any breaker is in.
  const spells: { startMs: number; endMs: number; level: number }[] = [];
  // 2: calls refused (open, forced open), 1: probing (half-open), 0: calls flow (closed, disabled).
  const levelOf = (state: BreakerState) => (state === "open" || state === "forced_open" ? 2 : state === "half_open" ? 1 : 0);
  for (const { initial, transitions } of byBreaker.values()) {
    transitions.sort((a, b) => a.atMs - b.atMs);
    let state = initial ?? transitions.at(0)?.fromState;
    if (state === undefined) continue;
    let sinceMs = domainStartMs;
    for (const transition of transitions) {
      const atMs = Math.min(Math.max(transition.atMs, domainStartMs), domainEndMs);
      const level = levelOf(state);
      if (level > 0 && atMs > sinceMs) spells.push({ startMs: sinceMs, endMs: atMs, level });
      state = transition.toState;
      sinceMs = atMs;
    }
    const level = levelOf(state);
    if (level > 0 && domainEndMs > sinceMs) spells.push({ startMs: sinceMs, endMs: domainEndMs, level });
  }
  const boundaries = [...new Set(spells.flatMap((s) => [s.startMs, s.endMs]))].sort((a, b) => a - b);
  const merged: BreakerSpell[] = [];
  for (let i = 0; i + 1 < boundaries.length; i++) {
    const startMs = boundaries[i];
    const endMs = boundaries[i + 1];
    let level = 0;
    for (const spell of spells) if (spell.startMs <= startMs && spell.endMs >= endMs) level = Math.max(level, spell.level);
    if (level === 0) continue;
    const state = level === 2 ? "open" : "half_open";
    const last = merged.at(-1);
    if (last !== undefined && last.state === state && last.endMs === startMs) last.endMs = endMs;
    else merged.push({ startMs, endMs, state });
  }
  return merged;
}
