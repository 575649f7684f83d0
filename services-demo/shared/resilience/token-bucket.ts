/**
 * Token bucket rate limiter: `capacity` tokens, refilled continuously at `refillPerSecond`.
 * A refusal says exactly how long until the next token (for a Retry-After header).
 */

export type TokenBucketOptions = {
  capacity: number;
  refillPerSecond: number;
  /** Tokens at creation; defaults to a full bucket. */
  initialTokens?: number;
  now?: () => number;
};

export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

export type TokenBucket = {
  tryTake(tokens?: number): TakeResult;
  /** Tokens available now (fractional). */
  available(): number;
};

/** Floating-point slack so 0.5 tokens short at 1 token/s is 500 ms, not 501. */
const EPSILON_MS = 1e-6;

export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { capacity, refillPerSecond } = options;
  if (!(capacity > 0) || !Number.isFinite(capacity)) throw new Error(`token bucket: capacity must be > 0, got ${capacity}`);
  if (!(refillPerSecond > 0) || !Number.isFinite(refillPerSecond)) {
    throw new Error(`token bucket: refillPerSecond must be > 0, got ${refillPerSecond}`);
  }
  const now = options.now ?? Date.now;
  let tokens = Math.min(capacity, options.initialTokens ?? capacity);
  let updatedAt = now();

  const refill = () => {
    const at = now();
    // A clock that steps back never removes tokens.
    if (at > updatedAt) tokens = Math.min(capacity, tokens + ((at - updatedAt) * refillPerSecond) / 1000);
    updatedAt = Math.max(updatedAt, at);
  };

  return {
    tryTake(count = 1) {
      if (!(count > 0) || count > capacity) throw new Error(`token bucket: can take 0 < n ≤ ${capacity} tokens, not ${count}`);
      refill();
      if (tokens >= count) {
        tokens -= count;
        return { allowed: true };
      }
      const waitMs = ((count - tokens) * 1000) / refillPerSecond;
      return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(waitMs - EPSILON_MS)) };
    },
    available() {
      refill();
      return tokens;
    },
  };
}
