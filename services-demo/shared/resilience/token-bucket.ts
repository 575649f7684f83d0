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

export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  void options;
  throw new Error("TODO");
}
