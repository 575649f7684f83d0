import { describe, expect, it } from "vitest";
import { buildStatusSegments } from "./instance-timeline";

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 21, 10, 0);
const iso = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
const build = (
  statusAtFrom: Parameters<typeof buildStatusSegments>[0]["statusAtFrom"],
  changes: Parameters<typeof buildStatusSegments>[0]["changes"],
) =>
  buildStatusSegments({ fromMs: T0, toMs: T0 + 60 * MIN, statusAtFrom, changes }).map((s) => [
    (s.startMs - T0) / MIN,
    (s.endMs - T0) / MIN,
    s.status,
  ]);

describe("buildStatusSegments", () => {
  it("starts with the status at the window start and follows each change", () => {
    expect(
      build("healthy", [
        { fromStatus: "healthy", toStatus: "unhealthy", at: iso(20) },
        { fromStatus: "unhealthy", toStatus: "healthy", at: iso(25) },
      ]),
    ).toEqual([
      [0, 20, "healthy"],
      [20, 25, "unhealthy"],
      [25, 60, "healthy"],
    ]);
  });

  it("leaves the time before registration as null, and runs a deregistration to the end", () => {
    expect(
      build(null, [
        { fromStatus: null, toStatus: "healthy", at: iso(10) },
        { fromStatus: "healthy", toStatus: "deregistered", at: iso(40) },
      ]),
    ).toEqual([
      [0, 10, null],
      [10, 40, "healthy"],
      [40, 60, "deregistered"],
    ]);
  });

  it("is one segment without changes, merges repeats, and clamps changes to the window", () => {
    expect(build("degraded", [])).toEqual([[0, 60, "degraded"]]);
    expect(build("healthy", [{ fromStatus: "healthy", toStatus: "healthy", at: iso(5) }])).toEqual([[0, 60, "healthy"]]);
    expect(
      build("healthy", [
        { fromStatus: "healthy", toStatus: "unhealthy", at: iso(-5) },
        { fromStatus: "unhealthy", toStatus: "healthy", at: iso(90) },
      ]),
    ).toEqual([[0, 60, "unhealthy"]]);
  });

  it("is empty for an empty window", () => {
    expect(buildStatusSegments({ fromMs: T0, toMs: T0, statusAtFrom: "healthy", changes: [] })).toEqual([]);
  });
});
