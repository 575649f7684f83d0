import { createTokenBucket, type TakeResult, type TokenBucket } from "../shared/resilience/token-bucket";

/**
 * Per-client token buckets (the client is the peer IP: the demo has no trusted proxy in front,
 * so X-Forwarded-For would be anyone's to forge). Buckets idle for a while are dropped, so a
 * scan of many addresses cannot grow the map without bound.
 */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, { bucket: TokenBucket; lastSeen: number }>();

  constructor(
    private readonly options: {
      ratePerSec: number;
      burst: number;
      now?: () => number;
      /** Forget a client after this long without requests. Default 60 s. */
      idleMs?: number;
      /** Hard cap on tracked clients (the oldest go first). Default 10 000. */
      maxClients?: number;
    },
  ) {}

  take(client: string): TakeResult {
    const now = this.now();
    let entry = this.buckets.get(client);
    if (!entry) {
      entry = {
        bucket: createTokenBucket({
          capacity: this.options.burst,
          refillPerSecond: this.options.ratePerSec,
          now: this.options.now,
        }),
        lastSeen: now,
      };
      this.prune(now);
    }
    // Re-insert so Map order is least recently seen first.
    this.buckets.delete(client);
    entry.lastSeen = now;
    this.buckets.set(client, entry);
    return entry.bucket.tryTake();
  }

  size(): number {
    return this.buckets.size;
  }

  private prune(now: number): void {
    const idleMs = this.options.idleMs ?? 60_000;
    for (const [client, entry] of this.buckets) {
      if (now - entry.lastSeen < idleMs) break;
      this.buckets.delete(client);
    }
    const max = this.options.maxClients ?? 10_000;
    while (this.buckets.size >= max) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

/** Retry-After in whole seconds (at least 1), from a refusal's retryAfterMs. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
