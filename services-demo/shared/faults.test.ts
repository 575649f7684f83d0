import { describe, expect, it } from "vitest";
import { faultSpecSchema, NO_FAULTS } from "../../lib/control/contract";
import { decideFault, describeFault, FaultState, isNoFault } from "./faults";

const spec = (input: Parameters<typeof faultSpecSchema.parse>[0]) => faultSpecSchema.parse(input);

describe("decideFault", () => {
  it("passes every request without delay when no fault is set", () => {
    expect(decideFault(NO_FAULTS, () => 0)).toEqual({ kind: "pass", delayMs: 0 });
  });

  it("adds the latency to requests that pass", () => {
    expect(decideFault(spec({ latencyMs: 250 }), () => 0.5)).toEqual({ kind: "pass", delayMs: 250 });
  });

  it("fails a request when the draw falls under the error rate, with the configured status and latency", () => {
    const faults = spec({ errorRate: 0.3, errorStatus: 502, latencyMs: 40 });
    expect(decideFault(faults, () => 0.29)).toEqual({ kind: "fail", delayMs: 40, status: 502 });
    expect(decideFault(faults, () => 0.3)).toEqual({ kind: "pass", delayMs: 40 });
  });

  it("fails every request at error rate 1 and none at 0", () => {
    expect(decideFault(spec({ errorRate: 1 }), () => 0.999_999)).toMatchObject({ kind: "fail", status: 503 });
    expect(decideFault(spec({ errorRate: 0 }), () => 0)).toMatchObject({ kind: "pass" });
  });

  it("fails roughly errorRate of the requests over many draws", () => {
    const faults = spec({ errorRate: 0.25 });
    let failed = 0;
    for (let i = 0; i < 10_000; i++) if (decideFault(faults, () => i / 10_000).kind === "fail") failed++;
    expect(failed).toBe(2_500);
  });

  it("hangs before anything else", () => {
    expect(decideFault(spec({ hang: true, errorRate: 1, latencyMs: 10 }), () => 0)).toEqual({ kind: "hang" });
  });
});

describe("describeFault / isNoFault", () => {
  it("says nothing for no faults", () => {
    expect(describeFault(NO_FAULTS)).toBeUndefined();
    expect(isNoFault(NO_FAULTS)).toBe(true);
  });

  it("names latency, error rate and status", () => {
    expect(describeFault(spec({ latencyMs: 200, errorRate: 0.3, errorStatus: 500 }))).toBe("latency 200 ms, 30 % errors (500)");
    expect(isNoFault(spec({ latencyMs: 1 }))).toBe(false);
  });

  it("names a hang", () => {
    expect(describeFault(spec({ hang: true }))).toMatch(/^hang/);
  });
});

describe("FaultState", () => {
  it("releases requests held by a hang when the fault is lifted", async () => {
    const state = new FaultState();
    state.set(spec({ hang: true }));
    const held = state.waitWhileHung(new AbortController().signal);
    expect(state.hungCount()).toBe(1);
    state.reset();
    await expect(held).resolves.toBe(true);
    expect(state.hungCount()).toBe(0);
    expect(state.get()).toEqual(NO_FAULTS);
  });

  it("keeps holding while the new spec still hangs, and lets an aborted caller go", async () => {
    const state = new FaultState();
    state.set(spec({ hang: true }));
    const controller = new AbortController();
    const held = state.waitWhileHung(controller.signal);
    state.set(spec({ hang: true, latencyMs: 5 }));
    expect(state.hungCount()).toBe(1);
    controller.abort();
    await expect(held).resolves.toBe(false);
    expect(state.hungCount()).toBe(0);
  });
});
