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
  minimumCalls: 10,
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

export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  void options;
  throw new Error("TODO");
}
