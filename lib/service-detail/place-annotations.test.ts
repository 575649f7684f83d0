import { describe, expect, it } from "vitest";
import {
  annotationGapMs,
  type BreakerPriorStateInput,
  breakerSpells,
  type BreakerTransitionInput,
  describeWeightChange,
  placeAnnotations,
  type RouteChangeInput,
} from "./place-annotations";

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 21, 10, 0);
const iso = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();

const routeChange = (minutes: number, fields: Partial<RouteChangeInput> = {}): RouteChangeInput => ({
  routeId: "orders",
  routeVersion: 2,
  oldBackends: [
    { version: "v1", weight: 100 },
    { version: "v2", weight: 0 },
  ],
  newBackends: [
    { version: "v1", weight: 50 },
    { version: "v2", weight: 50 },
  ],
  actor: "operator",
  reason: null,
  at: iso(minutes),
  ...fields,
});

const transition = (
  minutes: number,
  fromState: BreakerTransitionInput["fromState"],
  toState: BreakerTransitionInput["toState"],
  target = "payments-1",
): BreakerTransitionInput => ({
  ownerInstanceId: "orders-1",
  ownerService: "orders",
  targetInstanceId: target,
  targetService: "payments",
  fromState,
  toState,
  at: iso(minutes),
  reason: null,
});

describe("describeWeightChange", () => {
  it("names each version's old and new weight, new and removed versions, and a route's creation", () => {
    expect(describeWeightChange(routeChange(0).oldBackends, routeChange(0).newBackends)).toBe("v1 100 → 50 %, v2 0 → 50 %");
    expect(
      describeWeightChange(
        [
          { version: "v1", weight: 80 },
          { version: "v0", weight: 20 },
        ],
        [
          { version: "v1", weight: 80 },
          { version: "v2", weight: 20 },
        ],
      ),
    ).toBe("v1 80 %, v2 new, 20 %, v0 20 % → removed");
    expect(describeWeightChange(null, [{ version: "v1", weight: 100 }])).toBe("created: v1 100 %");
  });
});

describe("placeAnnotations", () => {
  const place = (routeChanges: RouteChangeInput[], breakerTransitions: BreakerTransitionInput[], minGapMs = MIN) =>
    placeAnnotations({ routeChanges, breakerTransitions, domainStartMs: T0, domainEndMs: T0 + 60 * MIN, minGapMs });

  it("numbers markers in time order across both kinds, a line at each first event", () => {
    const markers = place([routeChange(30)], [transition(10, "closed", "open"), transition(45, "open", "half_open")]);
    expect(markers.map((m) => [m.number, m.kind, (m.atMs - T0) / MIN, m.tone])).toEqual([
      [1, "breaker", 10, "bad"],
      [2, "route", 30, "info"],
      [3, "breaker", 45, "warn"],
    ]);
    expect(markers[1].events).toEqual([
      {
        kind: "route",
        atMs: T0 + 30 * MIN,
        routeId: "orders",
        routeVersion: 2,
        weights: "v1 100 → 50 %, v2 0 → 50 %",
        actor: "operator",
        reason: null,
      },
    ]);
  });

  it("groups events of a kind within the gap of the marker's first event, with the worst tone", () => {
    const markers = place(
      [],
      [
        transition(10, "open", "closed", "payments-2"),
        transition(10.5, "closed", "open"),
        transition(11, "closed", "half_open", "payments-3"),
        transition(11.5, "open", "closed"), // 1.5 min after the first: a new marker
      ],
    );
    expect(markers.map((m) => [(m.atMs - T0) / MIN, m.events.length, m.tone])).toEqual([
      [10, 3, "bad"],
      [11.5, 1, "ok"],
    ]);
  });

  it("leaves out events outside the axis", () => {
    expect(place([routeChange(-1), routeChange(61)], [transition(60, "closed", "open")]).map((m) => (m.atMs - T0) / MIN)).toEqual(
      [60],
    );
  });

  it("uses a bucket, or a sixtieth of the axis when wider, as the gap", () => {
    expect(annotationGapMs(T0, T0 + 60 * MIN, MIN)).toBe(MIN);
    expect(annotationGapMs(T0, T0 + 1_440 * MIN, 15 * MIN)).toBe(24 * MIN);
  });
});

describe("breakerSpells", () => {
  const spells = (transitions: BreakerTransitionInput[], priorStates: BreakerPriorStateInput[] = []) =>
    breakerSpells({
      breakerTransitions: transitions,
      breakerPriorStates: priorStates,
      domainStartMs: T0,
      domainEndMs: T0 + 60 * MIN,
    }).map((s) => [(s.startMs - T0) / MIN, (s.endMs - T0) / MIN, s.state]);

  it("shades from opening to closing, through half-open", () => {
    expect(
      spells([transition(10, "closed", "open"), transition(20, "open", "half_open"), transition(22, "half_open", "closed")]),
    ).toEqual([
      [10, 20, "open"],
      [20, 22, "half_open"],
    ]);
  });

  it("starts at the axis when the first transition leaves a non-closed state, and runs to the end when one is left open", () => {
    expect(spells([transition(5, "open", "closed"), transition(50, "closed", "forced_open")])).toEqual([
      [0, 5, "open"],
      [50, 60, "open"],
    ]);
  });

  it("shades a spell that began before the axis from its start, with or without transitions inside", () => {
    const prior = (state: BreakerPriorStateInput["state"], target = "payments-1") => ({
      ownerInstanceId: "orders-1",
      targetInstanceId: target,
      state,
    });
    // Open since before the window, nothing happened inside it: open across the whole axis.
    expect(spells([], [prior("open")])).toEqual([[0, 60, "open"]]);
    // Half-open before the window, then open at 10 and closed at 30.
    expect(spells([transition(10, "half_open", "open"), transition(30, "open", "closed")], [prior("half_open")])).toEqual([
      [0, 10, "half_open"],
      [10, 30, "open"],
    ]);
    // The prior state wins over the first transition's from-state (they disagree when transitions were missed).
    expect(spells([transition(20, "closed", "open")], [prior("forced_open")])).toEqual([[0, 60, "open"]]);
    // Closed before the window: nothing until it opens.
    expect(spells([transition(40, "closed", "open")], [prior("closed"), prior("closed", "payments-2")])).toEqual([
      [40, 60, "open"],
    ]);
  });

  it("merges breakers: open wins over half-open where they overlap", () => {
    expect(
      spells([
        transition(10, "closed", "half_open", "payments-2"),
        transition(30, "half_open", "closed", "payments-2"),
        transition(15, "closed", "open"),
        transition(20, "open", "closed"),
      ]),
    ).toEqual([
      [10, 15, "half_open"],
      [15, 20, "open"],
      [20, 30, "half_open"],
    ]);
  });

  it("is empty without transitions or when every breaker stayed closed", () => {
    expect(spells([])).toEqual([]);
    expect(spells([transition(10, "closed", "disabled"), transition(20, "disabled", "closed")])).toEqual([]);
  });
});
