import { describe, expect, it } from "vitest";
import { createTokenBucket } from "./token-bucket";

const fakeClock = (start = 1_000_000) => {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe("createTokenBucket", () => {
  it("allows a burst of `capacity`, then refuses with the exact wait for the next token", () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 3, refillPerSecond: 2, now: clock.now });
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: true },
    ]);
    expect(bucket.tryTake()).toEqual({ allowed: false, retryAfterMs: 500 });
    clock.advance(200);
    expect(bucket.tryTake()).toEqual({ allowed: false, retryAfterMs: 300 });
    clock.advance(300);
    expect(bucket.tryTake()).toEqual({ allowed: true });
    expect(bucket.tryTake()).toEqual({ allowed: false, retryAfterMs: 500 });
  });

  it("refills continuously and never above capacity", () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 5, refillPerSecond: 10, initialTokens: 0, now: clock.now });
    expect(bucket.available()).toBe(0);
    clock.advance(250);
    expect(bucket.available()).toBeCloseTo(2.5, 10);
    clock.advance(60_000);
    expect(bucket.available()).toBe(5);
  });

  it("serves refill-rate traffic exactly: 10/s for 10 s after the burst", () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 1, refillPerSecond: 10, now: clock.now });
    let allowed = 0;
    // One request every 50 ms (20/s) for 10 s: the bucket lets 1 + 10·10 through.
    for (let i = 0; i <= 200; i++) {
      if (bucket.tryTake().allowed) allowed++;
      clock.advance(50);
    }
    expect(allowed).toBe(101);
  });

  it("a refused take costs nothing and rounds its wait up to whole milliseconds", () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 1, refillPerSecond: 3, initialTokens: 0, now: clock.now });
    expect(bucket.tryTake()).toEqual({ allowed: false, retryAfterMs: 334 });
    expect(bucket.tryTake()).toEqual({ allowed: false, retryAfterMs: 334 });
    clock.advance(334);
    expect(bucket.tryTake()).toEqual({ allowed: true });
  });

  it("takes several tokens at once", () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 4, refillPerSecond: 1, now: clock.now });
    expect(bucket.tryTake(3)).toEqual({ allowed: true });
    expect(bucket.tryTake(3)).toEqual({ allowed: false, retryAfterMs: 2000 });
    expect(() => bucket.tryTake(5)).toThrow(/≤ 4/);
  });

  it("ignores a clock stepping back", () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 2, refillPerSecond: 1, initialTokens: 1, now: clock.now });
    clock.advance(-5_000);
    expect(bucket.available()).toBe(1);
    clock.advance(5_500);
    expect(bucket.available()).toBeCloseTo(1.5, 10);
  });

  it("rejects nonsense options", () => {
    expect(() => createTokenBucket({ capacity: 0, refillPerSecond: 1 })).toThrow(/capacity/);
    expect(() => createTokenBucket({ capacity: 1, refillPerSecond: 0 })).toThrow(/refillPerSecond/);
  });
});
