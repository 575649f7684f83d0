/**
 * When to retry an upstream call and how long to wait: exponential backoff with full jitter
 * (AWS's "full jitter": uniform in [0, min(maxDelayMs, baseDelayMs·2^(retry−1))]), only for
 * idempotent requests and only for outcomes where another attempt can help. The pool never
 * sends a retry to an instance whose breaker refuses it: it picks another instance or stops.
 */

export type RetryPolicyConfig = {
  /** Attempts in total, the first included (1 = no retries). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicyConfig = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 1_000 };

/** How one attempt ended. */
export type AttemptOutcome =
  | { kind: "response"; status: number }
  /** No response: refused, reset, unreachable, DNS failure. */
  | { kind: "connect_error"; code?: string }
  /** Cut by the per-attempt timeout. */
  | { kind: "timeout" }
  /** Cancelled by the caller: never retried, never a breaker failure. */
  | { kind: "aborted" };

export type RetryableRequest = {
  method: string;
  headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Explicit override, e.g. a POST the caller knows is safe to repeat. */
  idempotent?: boolean;
};

export type RetryDecision =
  | { retry: true; delayMs: number }
  /** "succeeded": the upstream answered below 500 (a 4xx is the caller's problem; repeating it cannot help). */
  | { retry: false; reason: "succeeded" | "not_idempotent" | "not_retryable" | "attempts_exhausted" };

export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** GET/HEAD/PUT/DELETE/OPTIONS, an explicit `idempotent` flag, or a request carrying an Idempotency-Key header. */
export function isIdempotentRequest(request: RetryableRequest): boolean {
  if (request.idempotent !== undefined) return request.idempotent;
  if (IDEMPOTENT_METHODS.has(request.method.toUpperCase())) return true;
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (name.toLowerCase() === "idempotency-key" && value !== undefined && value.length > 0) return true;
  }
  return false;
}

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** Connect errors, timeouts and 502/503/504. Never 4xx, never other 5xx (the upstream answered). */
export function isRetryableOutcome(outcome: AttemptOutcome): boolean {
  switch (outcome.kind) {
    case "response":
      return RETRYABLE_STATUSES.has(outcome.status);
    case "connect_error":
    case "timeout":
      return true;
    case "aborted":
      return false;
  }
}

/** Full-jitter delay before retry number `retry` (1 = first retry). `random` ∈ [0, 1). */
export function backoffDelayMs(retry: number, config: RetryPolicyConfig, random: () => number): number {
  const ceiling = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

const isSuccess = (outcome: AttemptOutcome) => outcome.kind === "response" && outcome.status < 500;

/** After attempt `attempt` (0-based) ended with `outcome`: retry (after how long) or stop, and why. */
export function decideRetry(input: {
  attempt: number;
  request: RetryableRequest;
  outcome: AttemptOutcome;
  config?: RetryPolicyConfig;
  random?: () => number;
}): RetryDecision {
  const config = input.config ?? DEFAULT_RETRY_POLICY;
  if (isSuccess(input.outcome)) return { retry: false, reason: "succeeded" };
  if (!isRetryableOutcome(input.outcome)) return { retry: false, reason: "not_retryable" };
  if (!isIdempotentRequest(input.request)) return { retry: false, reason: "not_idempotent" };
  if (input.attempt + 1 >= config.maxAttempts) return { retry: false, reason: "attempts_exhausted" };
  return { retry: true, delayMs: backoffDelayMs(input.attempt + 1, config, input.random ?? Math.random) };
}
