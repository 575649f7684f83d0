import type { BreakerConfig, BreakerState, BreakerTransition } from "../../../lib/control/contract";

/**
 * A circuit breaker with resilience4j's semantics over a time-based sliding window: closed until
 * the failure rate or the slow-call rate reaches its threshold (≥) over at least `minimumCalls`
 * calls, then open (calls refused) for `openWaitMs`, then half_open with exactly `halfOpenCalls`
 * probes whose outcome closes it again (fresh window) or reopens it.
 */

/** Close to resilience4j's defaults, scaled down to a demo that should react within seconds. */
export const DEFAULT_BREAKER_CONFIG: BreakerConfig = {
  failureRateThreshold: 50,
  slowCallDurationMs: 2_000,
  slowCallRateThreshold: 100,
  windowMs: 10_000,
  minimumCalls: 5,
  openWaitMs: 5_000,
  halfOpenCalls: 3,
};

export type CallOutcome = {
  /** false for 5xx, timeouts and connection errors. */
  success: boolean;
  durationMs: number;
};

/**
 * Permission for one call. Record its outcome exactly once, or release it when the call was
 * never made (then it counts for nothing and frees its half-open probe slot). Outcomes of a
 * permit issued in an earlier state (e.g. a call started while closed that ends after the
 * breaker opened) are ignored: they say nothing about the current window.
 */
export type BreakerPermit = {
  /** The breaker's state when the permit was issued (the span attribute "breaker state at call time"). */
  readonly state: BreakerState;
  record(outcome: CallOutcome): void;
  release(): void;
};

export type BreakerSnapshot = {
  state: BreakerState;
  /** ISO time the breaker entered `state`. */
  stateSince: string;
  /** Closed: the sliding window. Open: the window that tripped it. Half-open: the probes so far. */
  calls: number;
  failedCalls: number;
  slowCalls: number;
  /** Percent 0..100 over `calls` (0 when there are none). */
  failureRate: number;
  slowCallRate: number;
  /** Refused calls since the breaker was created (cumulative; reporters diff it per beat). */
  notPermittedCalls: number;
  config: BreakerConfig;
};

export type CircuitBreakerOptions = {
  config?: BreakerConfig;
  now?: () => number;
  onTransition?: (transition: BreakerTransition) => void;
};

export type CircuitBreaker = {
  /** Current state; moves open → half_open when openWaitMs has elapsed (lazily, on read). */
  state(): BreakerState;
  /** Would a call be permitted now? Never counts a refusal, never takes a probe slot. */
  isCallPermitted(): boolean;
  /** A permit, or false (counted in notPermittedCalls) when open or out of half-open probes. */
  tryAcquire(): BreakerPermit | false;
  snapshot(): BreakerSnapshot;
  config(): BreakerConfig;
  /** New thresholds apply from the next decision; the window and state are kept. */
  setConfig(config: BreakerConfig): void;
  /** forced_open refuses everything, disabled permits everything and records nothing; closed resets. */
  transitionTo(state: BreakerState, reason?: string): void;
};

type WindowCall = { at: number; failed: boolean; slow: boolean };

type Tally = { calls: number; failedCalls: number; slowCalls: number };

const EMPTY_TALLY: Tally = { calls: 0, failedCalls: 0, slowCalls: 0 };

const percentOf = (part: number, whole: number) => (whole === 0 ? 0 : (part / whole) * 100);

const formatPercent = (value: number) => `${Number.isInteger(value) ? value : value.toFixed(1)}%`;

/**
 * Why the tally trips the breaker, or undefined. ≥ on purpose (exactly at the threshold trips,
 * as in resilience4j); a rate of 0 never trips, so a threshold of 0 does not open a healthy
 * breaker.
 */
function tripReason(tally: Tally, config: BreakerConfig, scope: string): string | undefined {
  const failureRate = percentOf(tally.failedCalls, tally.calls);
  if (tally.failedCalls > 0 && failureRate >= config.failureRateThreshold) {
    return `${scope}failure rate ${formatPercent(failureRate)} ≥ ${config.failureRateThreshold}% over ${tally.calls} calls`;
  }
  const slowCallRate = percentOf(tally.slowCalls, tally.calls);
  if (tally.slowCalls > 0 && slowCallRate >= config.slowCallRateThreshold) {
    return `${scope}slow-call rate ${formatPercent(slowCallRate)} ≥ ${config.slowCallRateThreshold}% over ${tally.calls} calls (≥ ${config.slowCallDurationMs} ms)`;
  }
  return undefined;
}

export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const now = options.now ?? Date.now;
  let config = options.config ?? DEFAULT_BREAKER_CONFIG;
  let state: BreakerState = "closed";
  let stateSince = now();
  /** Bumped on every transition: permits from an earlier epoch record nothing. */
  let epoch = 0;
  /** Closed: calls in the sliding window, oldest first. */
  let window: WindowCall[] = [];
  /** Open: the tally that tripped the breaker, kept for the report. */
  let tripTally: Tally = EMPTY_TALLY;
  /** Half-open: probes handed out (not released) and the outcomes of those finished. */
  let probesIssued = 0;
  let probes: WindowCall[] = [];
  let notPermittedCalls = 0;

  const transition = (to: BreakerState, reason: string) => {
    const from = state;
    const at = now();
    if (to === "open") tripTally = tally(window.length > 0 ? window : probes);
    state = to;
    stateSince = at;
    epoch++;
    window = [];
    probes = [];
    probesIssued = 0;
    options.onTransition?.({ from, to, at: new Date(at).toISOString(), reason });
  };

  const tally = (calls: readonly WindowCall[]): Tally => {
    let failedCalls = 0;
    let slowCalls = 0;
    for (const call of calls) {
      if (call.failed) failedCalls++;
      if (call.slow) slowCalls++;
    }
    return { calls: calls.length, failedCalls, slowCalls };
  };

  /** Drops calls that left the window: only calls that ended within the last windowMs count. */
  const slide = () => {
    const cutoff = now() - config.windowMs;
    let first = 0;
    while (first < window.length && window[first].at <= cutoff) first++;
    if (first > 0) window.splice(0, first);
  };

  /** Open → half_open once the wait is over; evaluated whenever someone looks. */
  const refresh = () => {
    if (state === "open" && now() - stateSince >= config.openWaitMs) {
      transition("half_open", `open wait ${config.openWaitMs} ms elapsed`);
    }
  };

  const record = (permitEpoch: number, outcome: CallOutcome) => {
    if (permitEpoch !== epoch) return;
    const call: WindowCall = { at: now(), failed: !outcome.success, slow: outcome.durationMs >= config.slowCallDurationMs };
    if (state === "closed") {
      window.push(call);
      slide();
      const current = tally(window);
      if (current.calls < config.minimumCalls) return;
      const reason = tripReason(current, config, "");
      if (reason) transition("open", reason);
    } else if (state === "half_open") {
      probes.push(call);
      if (probes.length < config.halfOpenCalls) return;
      const current = tally(probes);
      const reason = tripReason(current, config, "half-open probes: ");
      if (reason) transition("open", reason);
      else transition("closed", `half-open probes passed: ${current.calls - current.failedCalls} of ${current.calls} succeeded`);
    }
  };

  const permit = (isProbe: boolean): BreakerPermit => {
    const permitEpoch = epoch;
    const permitState = state;
    let isDone = false;
    return {
      state: permitState,
      record(outcome) {
        if (isDone) return;
        isDone = true;
        if (permitState !== "disabled") record(permitEpoch, outcome);
      },
      release() {
        if (isDone) return;
        isDone = true;
        if (isProbe && permitEpoch === epoch) probesIssued--;
      },
    };
  };

  const isCallPermitted = () => {
    refresh();
    switch (state) {
      case "closed":
      case "disabled":
        return true;
      case "half_open":
        return probesIssued < config.halfOpenCalls;
      case "open":
      case "forced_open":
        return false;
    }
  };

  return {
    state() {
      refresh();
      return state;
    },
    isCallPermitted,
    tryAcquire() {
      if (!isCallPermitted()) {
        notPermittedCalls++;
        return false;
      }
      if (state === "half_open") {
        probesIssued++;
        return permit(true);
      }
      return permit(false);
    },
    snapshot() {
      refresh();
      let current: Tally;
      if (state === "closed") {
        slide();
        current = tally(window);
      } else if (state === "half_open") current = tally(probes);
      else if (state === "open") current = tripTally;
      else current = EMPTY_TALLY;
      return {
        state,
        stateSince: new Date(stateSince).toISOString(),
        ...current,
        failureRate: percentOf(current.failedCalls, current.calls),
        slowCallRate: percentOf(current.slowCalls, current.calls),
        notPermittedCalls,
        config,
      };
    },
    config: () => config,
    setConfig(next) {
      config = next;
    },
    transitionTo(to, reason) {
      if (to === state) return;
      transition(to, reason ?? `set to ${to}`);
    },
  };
}
