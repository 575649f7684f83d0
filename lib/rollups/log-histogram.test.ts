import { describe, expect, it } from "vitest";
import {
  HISTOGRAM_MAX_RELATIVE_ERROR,
  LogHistogram,
  bucketIndexOfMicros,
  bucketRepresentativeMicros,
} from "@/lib/rollups/log-histogram";

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Nearest-rank percentile (PostgreSQL's percentile_disc). */
function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

const N = 20_000;
const distributions: Record<string, (rand: () => number) => number> = {
  // µs: median ≈ 20 ms with a long tail.
  lognormal: (rand) => Math.exp(Math.log(20_000) + 1.2 * normal(rand)),
  // Fast cache hits around 300 µs, slow misses around 80 ms.
  bimodal: (rand) => (rand() < 0.7 ? 300 + 40 * normal(rand) : 80_000 + 10_000 * normal(rand)),
  uniform: (rand) => 1 + rand() * 2_000_000,
  constant: () => 12_345,
  // Spread over eleven orders of magnitude, sub-µs ones above 0.96 µs.
  "log-uniform": (rand) => Math.pow(10, rand() * 11) + 0.96,
};

describe("LogHistogram", () => {
  for (const [name, draw] of Object.entries(distributions)) {
    it(`p50/p95/p99 (and others) are within 2 % of the exact values: ${name}`, () => {
      const rand = random(name.length * 7919);
      const values = Array.from({ length: N }, () => Math.max(1, draw(rand)));
      const histogram = new LogHistogram();
      for (const v of values) histogram.recordMicros(v);
      const sorted = [...values].sort((a, b) => a - b);
      expect(histogram.count).toBe(N);
      for (const q of [0, 0.001, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
        const exact = exactQuantile(sorted, q);
        const estimate = histogram.quantileMicros(q)!;
        const relativeError = Math.abs(estimate - exact) / exact;
        expect(relativeError, `q=${q} exact=${exact} estimate=${estimate}`).toBeLessThanOrEqual(0.02);
        expect(relativeError).toBeLessThanOrEqual(HISTOGRAM_MAX_RELATIVE_ERROR + 1e-12);
      }
    });
  }

  it("merging histograms gives the histogram of the union", () => {
    const rand = random(42);
    const parts = [0, 1, 2, 3].map(() => Array.from({ length: 3000 }, () => distributions.lognormal(rand)));
    const merged = new LogHistogram();
    for (const part of parts) {
      const h = new LogHistogram();
      for (const v of part) h.recordMicros(v);
      merged.merge(h);
    }
    const union = new LogHistogram();
    for (const v of parts.flat()) union.recordMicros(v);
    expect(merged.toArrays()).toEqual(union.toArrays());
    expect(merged.count).toBe(union.count);
    for (const q of [0.5, 0.95, 0.99]) expect(merged.quantileMicros(q)).toBe(union.quantileMicros(q));
  });

  it("has a zero / sub-µs bucket and round-trips the stored arrays", () => {
    expect(bucketIndexOfMicros(0)).toBe(0);
    expect(bucketIndexOfMicros(0.4)).toBe(0);
    expect(bucketIndexOfMicros(1)).toBe(0);
    expect(bucketIndexOfMicros(1.01)).toBe(1);
    expect(bucketIndexOfMicros(Number.NaN)).toBe(0);
    // int64 ns max is ≈ 9.22e12 µs: the highest bucket stays small.
    expect(bucketIndexOfMicros(9.223372036854776e12)).toBe(762);
    expect(bucketRepresentativeMicros(0)).toBeCloseTo(2 / 2.04, 12);

    const h = new LogHistogram();
    h.recordMicros(0);
    h.recordMicros(500);
    h.recordMicros(500);
    h.recordMicros(10);
    const { bucketIds, bucketCounts } = h.toArrays();
    expect(bucketIds).toEqual([...bucketIds].sort((a, b) => a - b));
    expect(bucketCounts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(LogHistogram.fromArrays(bucketIds, bucketCounts).toArrays()).toEqual({ bucketIds, bucketCounts });
    expect(new LogHistogram().quantileMicros(0.5)).toBeUndefined();
    expect(() => h.quantileMicros(1.5)).toThrow(RangeError);
  });

  it("every value in a bucket is within (γ-1)/(γ+1) of its representative", () => {
    for (const v of [1.5, 3, 17.3, 999, 1000, 1001, 65_432.1, 1e9, 3.3e11]) {
      const rep = bucketRepresentativeMicros(bucketIndexOfMicros(v));
      expect(Math.abs(rep - v) / v).toBeLessThanOrEqual(HISTOGRAM_MAX_RELATIVE_ERROR + 1e-12);
    }
  });
});
