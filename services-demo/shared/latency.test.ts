import { describe, expect, it } from "vitest";
import { sampleLatencyMs } from "./latency";

/** A deterministic uniform source (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

describe("sampleLatencyMs", () => {
  it("always gives the median when sigma is 0 and there is no tail", () => {
    const random = seeded(1);
    for (let i = 0; i < 100; i++) {
      expect(sampleLatencyMs({ medianMs: 20, sigma: 0, tailRate: 0, tailMinMs: 0, tailMaxMs: 0 }, random)).toBe(20);
    }
  });

  it("centres the body on the median", () => {
    const random = seeded(2);
    const samples = Array.from({ length: 20_000 }, () =>
      sampleLatencyMs({ medianMs: 30, sigma: 0.4, tailRate: 0, tailMinMs: 0, tailMaxMs: 0 }, random),
    );
    expect(quantile(samples, 0.5)).toBeGreaterThanOrEqual(28);
    expect(quantile(samples, 0.5)).toBeLessThanOrEqual(32);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
  });

  it("a faster median with a heavier tail gives a lower p50 and a higher p99", () => {
    const v1 = { medianMs: 30, sigma: 0.35, tailRate: 0, tailMinMs: 0, tailMaxMs: 0 };
    const v2 = { medianMs: 15, sigma: 0.35, tailRate: 0.04, tailMinMs: 250, tailMaxMs: 900 };
    const random = seeded(3);
    const a = Array.from({ length: 20_000 }, () => sampleLatencyMs(v1, random));
    const b = Array.from({ length: 20_000 }, () => sampleLatencyMs(v2, random));
    expect(quantile(b, 0.5)).toBeLessThan(quantile(a, 0.5));
    expect(quantile(b, 0.99)).toBeGreaterThan(quantile(a, 0.99));
    expect(quantile(b, 0.99)).toBeGreaterThanOrEqual(250);
  });

  it("draws tail requests between the tail bounds", () => {
    const random = seeded(4);
    for (let i = 0; i < 1_000; i++) {
      const ms = sampleLatencyMs({ medianMs: 10, sigma: 0.2, tailRate: 1, tailMinMs: 100, tailMaxMs: 200 }, random);
      expect(ms).toBeGreaterThanOrEqual(100);
      expect(ms).toBeLessThanOrEqual(200);
    }
  });
});
