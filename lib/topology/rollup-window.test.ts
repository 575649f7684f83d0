import { describe, expect, it } from "vitest";
import { resolveRollupWindow } from "./rollup-window";

const T = Date.UTC(2026, 10, 21, 10, 0, 0);
const MIN = 60_000;

describe("resolveRollupWindow", () => {
  it("widens to whole minutes and stops the covered time at now", () => {
    // A live 5-minute window at 10:00:30: minutes 09:55 … 10:00 are read, 5.5 min of them covered.
    const now = T + 30_000;
    expect(resolveRollupWindow(now - 5 * MIN, now, now)).toEqual({
      fromMinuteMs: T - 5 * MIN,
      toMinuteMs: T + MIN,
      coveredToMs: now,
      coveredSeconds: 330,
    });
  });

  it("covers a past window to its last whole minute", () => {
    const window = resolveRollupWindow(T, T + 10 * MIN, T + 60 * MIN);
    expect(window).toEqual({ fromMinuteMs: T, toMinuteMs: T + 10 * MIN, coveredToMs: T + 10 * MIN, coveredSeconds: 600 });
  });

  it("covers nothing for a window in the future or an empty one", () => {
    expect(resolveRollupWindow(T + MIN, T + 2 * MIN, T).coveredSeconds).toBe(0);
    expect(resolveRollupWindow(T, T, T + MIN)).toMatchObject({ fromMinuteMs: T, toMinuteMs: T, coveredSeconds: 0 });
  });
});
