import { describe, expect, it } from "vitest";
import { buildStateSegments, type BuildStateSegmentsInput } from "./build-state-segments";

const MIN = 60_000;
const FROM = 1_000 * MIN;
const TO = FROM + 60 * MIN;
const t = (minutes: number) => FROM + minutes * MIN;

const input = (overrides: Partial<BuildStateSegmentsInput>): BuildStateSegmentsInput => ({
  fromMs: FROM,
  toMs: TO,
  transitions: [],
  priorState: null,
  current: { state: "closed", stateSinceMs: FROM - 120 * MIN },
  staleSinceMs: null,
  ...overrides,
});

const short = (segments: ReturnType<typeof buildStateSegments>) =>
  segments.map((s) => `${s.state} ${(s.startMs - FROM) / MIN}-${(s.endMs - FROM) / MIN}`);

describe("buildStateSegments", () => {
  it("is one segment of the current state when nothing happened and the state is older than the window", () => {
    expect(short(buildStateSegments(input({})))).toEqual(["closed 0-60"]);
  });

  it("is unknown before a breaker first reported inside the window", () => {
    const segments = buildStateSegments(input({ current: { state: "closed", stateSinceMs: t(20) } }));
    expect(short(segments)).toEqual(["unknown 0-20", "closed 20-60"]);
  });

  it("cuts at every transition, in time order whatever the input order, starting from the prior state", () => {
    const segments = buildStateSegments(
      input({
        priorState: "closed",
        transitions: [
          { fromState: "open", toState: "half_open", atMs: t(15) },
          { fromState: "closed", toState: "open", atMs: t(10) },
          { fromState: "half_open", toState: "open", atMs: t(16) },
          { fromState: "open", toState: "half_open", atMs: t(40) },
          { fromState: "half_open", toState: "closed", atMs: t(41) },
        ],
        current: { state: "closed", stateSinceMs: t(41) },
      }),
    );
    expect(short(segments)).toEqual([
      "closed 0-10",
      "open 10-15",
      "half_open 15-16",
      "open 16-40",
      "half_open 40-41",
      "closed 41-60",
    ]);
  });

  it("without a prior state, starts in the first transition's from-state", () => {
    const segments = buildStateSegments(
      input({
        transitions: [{ fromState: "closed", toState: "open", atMs: t(30) }],
        current: { state: "open", stateSinceMs: t(30) },
      }),
    );
    expect(short(segments)).toEqual(["closed 0-30", "open 30-60"]);
  });

  it("starts the current state at stateSince when no stored transition led to it", () => {
    const segments = buildStateSegments(
      input({
        priorState: "closed",
        transitions: [{ fromState: "closed", toState: "open", atMs: t(10) }],
        current: { state: "forced_open", stateSinceMs: t(50) },
      }),
    );
    expect(short(segments)).toEqual(["closed 0-10", "open 10-50", "forced_open 50-60"]);
  });

  it("turns unknown once the owner stopped reporting, for the whole window if it stopped before", () => {
    const base = {
      priorState: "closed" as const,
      transitions: [{ fromState: "closed" as const, toState: "open" as const, atMs: t(10) }],
      current: { state: "open" as const, stateSinceMs: t(10) },
    };
    expect(short(buildStateSegments(input({ ...base, staleSinceMs: t(25) })))).toEqual([
      "closed 0-10",
      "open 10-25",
      "unknown 25-60",
    ]);
    expect(short(buildStateSegments(input({ priorState: "open", staleSinceMs: t(-5) })))).toEqual(["unknown 0-60"]);
  });

  it("merges same-state neighbours, drops empty segments and clips to the window", () => {
    const segments = buildStateSegments(
      input({
        priorState: "open",
        transitions: [
          { fromState: "open", toState: "open", atMs: t(5) },
          { fromState: "open", toState: "closed", atMs: t(0) },
          { fromState: "closed", toState: "half_open", atMs: t(60) },
        ],
        current: { state: "half_open", stateSinceMs: t(60) },
      }),
    );
    // The transition at the window's left edge wins over the prior state; the one at the right edge is empty.
    expect(short(segments)).toEqual(["closed 0-5", "open 5-60"]);
    expect(segments.reduce((sum, s) => sum + (s.endMs - s.startMs), 0)).toBe(TO - FROM);
  });

  it("is empty for an empty window", () => {
    expect(buildStateSegments(input({ toMs: FROM }))).toEqual([]);
  });
});
