import { describe, expect, it } from "vitest";
import { breakerReportSchema, type BreakerConfig, type BreakerTransition } from "../../../lib/control/contract";
import { type CircuitBreaker, createCircuitBreaker } from "./circuit-breaker";

const config: BreakerConfig = {
  failureRateThreshold: 50,
  slowCallDurationMs: 1_000,
  slowCallRateThreshold: 80,
  windowMs: 10_000,
  minimumCalls: 4,
  openWaitMs: 5_000,
  halfOpenCalls: 2,
};

const setup = (overrides: Partial<BreakerConfig> = {}) => {
  let t = Date.parse("2026-11-21T10:00:00.000Z");
  const transitions: BreakerTransition[] = [];
  const breaker = createCircuitBreaker({
    config: { ...config, ...overrides },
    now: () => t,
    onTransition: (transition) => transitions.push(transition),
  });
  return { breaker, transitions, advance: (ms: number) => (t += ms) };
};

/** One permitted call with the given outcome. */
const call = (breaker: CircuitBreaker, success: boolean, durationMs = 10) => {
  const permit = breaker.tryAcquire();
  if (!permit) throw new Error(`call refused in state ${breaker.state()}`);
  permit.record({ success, durationMs });
};

const calls = (breaker: CircuitBreaker, outcomes: string) => {
  // s = success, f = failure, w = slow success
  for (const c of outcomes) call(breaker, c !== "f", c === "w" ? 1_500 : 10);
};

const trip = (breaker: CircuitBreaker) => calls(breaker, "ffff");

describe("createCircuitBreaker", () => {
  it("trips exactly at the failure-rate threshold (≥), not below it", () => {
    const below = setup({ minimumCalls: 5, failureRateThreshold: 40 });
    calls(below.breaker, "sssfs"); // 1 failure of 5 = 20%
    expect(below.breaker.state()).toBe("closed");

    const at = setup({ minimumCalls: 4, failureRateThreshold: 50 });
    calls(at.breaker, "ssf");
    expect(at.breaker.state()).toBe("closed"); // 3 calls < minimumCalls
    calls(at.breaker, "f"); // 2 of 4 = 50% ≥ 50%
    expect(at.breaker.state()).toBe("open");
    expect(at.transitions).toEqual([
      { from: "closed", to: "open", at: "2026-11-21T10:00:00.000Z", reason: "failure rate 50% ≥ 50% over 4 calls" },
    ]);
  });

  it("decides nothing under the minimum number of calls", () => {
    const { breaker, transitions } = setup({ minimumCalls: 10 });
    calls(breaker, "fffffffff");
    expect(breaker.state()).toBe("closed");
    expect(breaker.snapshot()).toMatchObject({ calls: 9, failedCalls: 9, failureRate: 100 });
    expect(transitions).toEqual([]);
    calls(breaker, "f");
    expect(breaker.state()).toBe("open");
  });

  it("trips on slow calls even when they succeed, exactly at the slow-call threshold", () => {
    const { breaker, transitions } = setup({ minimumCalls: 5, slowCallRateThreshold: 80 });
    calls(breaker, "wwws");
    expect(breaker.state()).toBe("closed");
    call(breaker, true, 1_000); // exactly slowCallDurationMs counts as slow → 4 of 5 = 80%
    expect(breaker.state()).toBe("open");
    expect(transitions[0].reason).toBe("slow-call rate 80% ≥ 80% over 5 calls (≥ 1000 ms)");
    expect(breaker.snapshot()).toMatchObject({ state: "open", calls: 5, failedCalls: 0, slowCalls: 4, slowCallRate: 80 });
  });

  it("refuses calls while open, counting them, and half-opens after openWaitMs", () => {
    const { breaker, transitions, advance } = setup();
    trip(breaker);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.isCallPermitted()).toBe(false);
    advance(4_999);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.snapshot().notPermittedCalls).toBe(2);
    advance(1);
    expect(breaker.state()).toBe("half_open");
    expect(transitions.at(-1)).toEqual({
      from: "open",
      to: "half_open",
      at: "2026-11-21T10:00:05.000Z",
      reason: "open wait 5000 ms elapsed",
    });
  });

  it("half-open: permits exactly halfOpenCalls probes, then closes with a fresh window when they pass", () => {
    const { breaker, transitions, advance } = setup({ halfOpenCalls: 3, failureRateThreshold: 50 });
    trip(breaker);
    advance(5_000);
    const probes = [breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()];
    expect(probes.every((probe) => probe !== false && probe.state === "half_open")).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.isCallPermitted()).toBe(false);
    const [p1, p2, p3] = probes as Exclude<(typeof probes)[number], false>[];
    p1.record({ success: true, durationMs: 5 });
    p2.record({ success: false, durationMs: 5 }); // 1 of 3 failed = 33% < 50%
    expect(breaker.state()).toBe("half_open"); // undecided until every probe finished
    p3.record({ success: true, durationMs: 5 });
    expect(breaker.state()).toBe("closed");
    expect(transitions.at(-1)).toMatchObject({
      from: "half_open",
      to: "closed",
      reason: "half-open probes passed: 2 of 3 succeeded",
    });
    expect(breaker.snapshot()).toMatchObject({ state: "closed", calls: 0, failedCalls: 0 });
    // Fresh window: three failures are below minimumCalls again.
    calls(breaker, "fff");
    expect(breaker.state()).toBe("closed");
  });

  it("half-open: reopens when the probes fail at the threshold", () => {
    const { breaker, transitions, advance } = setup({ halfOpenCalls: 2, failureRateThreshold: 50 });
    trip(breaker);
    advance(5_000);
    calls(breaker, "s");
    expect(breaker.state()).toBe("half_open");
    calls(breaker, "f"); // 1 of 2 = 50%
    expect(breaker.state()).toBe("open");
    expect(transitions.map(({ from, to }) => `${from}→${to}`)).toEqual(["closed→open", "open→half_open", "half_open→open"]);
    expect(transitions.at(-1)?.reason).toBe("half-open probes: failure rate 50% ≥ 50% over 2 calls");
    // The wait starts again from the reopening.
    advance(4_999);
    expect(breaker.state()).toBe("open");
    advance(1);
    expect(breaker.state()).toBe("half_open");
  });

  it("half-open: a slow probe majority reopens too", () => {
    const { breaker, advance } = setup({ halfOpenCalls: 2, slowCallRateThreshold: 50 });
    trip(breaker);
    advance(5_000);
    calls(breaker, "sw");
    expect(breaker.state()).toBe("open");
  });

  it("a released probe frees its slot; a late outcome from before the trip is ignored", () => {
    const { breaker, advance } = setup({ halfOpenCalls: 1 });
    const early = breaker.tryAcquire();
    trip(breaker);
    advance(5_000);
    const probe = breaker.tryAcquire();
    expect(probe).not.toBe(false);
    expect(breaker.tryAcquire()).toBe(false);
    if (probe) probe.release();
    const second = breaker.tryAcquire();
    expect(second).not.toBe(false);
    if (early) early.record({ success: false, durationMs: 5 }); // from the closed epoch: no effect
    expect(breaker.state()).toBe("half_open");
    if (second) {
      second.record({ success: true, durationMs: 5 });
      second.record({ success: false, durationMs: 5 }); // recorded once only
    }
    expect(breaker.state()).toBe("closed");
  });

  it("slides its window: calls older than windowMs stop counting", () => {
    const inside = setup({ windowMs: 10_000, minimumCalls: 4 });
    calls(inside.breaker, "fff");
    inside.advance(9_999); // still inside the window: 3 failures of 4
    calls(inside.breaker, "s");
    expect(inside.breaker.state()).toBe("open");

    const sliding = setup({ windowMs: 10_000, minimumCalls: 4 });
    calls(sliding.breaker, "fff");
    sliding.advance(10_000); // the three failures are now windowMs old: out
    expect(sliding.breaker.snapshot()).toMatchObject({ calls: 0, failedCalls: 0 });
    calls(sliding.breaker, "sss");
    calls(sliding.breaker, "f"); // 1 of 4 = 25%; with the old failures it would be 4 of 7
    expect(sliding.breaker.snapshot()).toMatchObject({ state: "closed", calls: 4, failedCalls: 1, failureRate: 25 });
  });

  it("reports what the contract's breaker report needs", () => {
    const { breaker } = setup();
    calls(breaker, "sfw");
    const snapshot = breaker.snapshot();
    expect(snapshot).toEqual({
      state: "closed",
      stateSince: "2026-11-21T10:00:00.000Z",
      calls: 3,
      failedCalls: 1,
      slowCalls: 1,
      failureRate: (1 / 3) * 100,
      slowCallRate: (1 / 3) * 100,
      notPermittedCalls: 0,
      config,
    });
    const report = { targetService: "payments", targetInstanceId: "payments-1", ...snapshot, transitions: [] };
    expect(breakerReportSchema.parse(report)).toEqual(report);
  });

  it("forced_open refuses everything, disabled permits everything and never trips", () => {
    const { breaker, transitions } = setup();
    breaker.transitionTo("forced_open", "operator");
    expect(breaker.tryAcquire()).toBe(false);
    breaker.transitionTo("disabled");
    calls(breaker, "ffffffff");
    expect(breaker.state()).toBe("disabled");
    breaker.transitionTo("closed");
    expect(transitions.map(({ to, reason }) => `${to}:${reason}`)).toEqual([
      "forced_open:operator",
      "disabled:set to disabled",
      "closed:set to closed",
    ]);
  });
});
