import { describe, expect, it } from "vitest";
import { ClientRateLimiter, retryAfterSeconds } from "./rate-limiter";

describe("ClientRateLimiter", () => {
  it("allows a burst per client, then refuses with the time until the next token", () => {
    let now = 0;
    const limiter = new ClientRateLimiter({ ratePerSec: 2, burst: 3, now: () => now });
    expect([1, 2, 3].map(() => limiter.take("a").allowed)).toEqual([true, true, true]);
    expect(limiter.take("a")).toEqual({ allowed: false, retryAfterMs: 500 });
    // Another client has its own bucket.
    expect(limiter.take("b").allowed).toBe(true);
    now = 500;
    expect(limiter.take("a").allowed).toBe(true);
  });

  it("forgets idle clients and caps how many it tracks", () => {
    let now = 0;
    const limiter = new ClientRateLimiter({ ratePerSec: 1, burst: 1, now: () => now, idleMs: 1_000, maxClients: 3 });
    limiter.take("a");
    limiter.take("b");
    now = 2_000;
    limiter.take("c");
    expect(limiter.size()).toBe(1);
    limiter.take("d");
    limiter.take("e");
    limiter.take("f");
    expect(limiter.size()).toBe(3);
  });
});

describe("retryAfterSeconds", () => {
  it("rounds up to whole seconds, at least one", () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1_000)).toBe(1);
    expect(retryAfterSeconds(1_001)).toBe(2);
  });
});
