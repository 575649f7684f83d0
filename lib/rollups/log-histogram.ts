/**
 * Fixed log-scale latency histogram over durations in microseconds.
 *
 * Bucket i holds the durations v (µs) with γ^(i-1) < v ≤ γ^i, i.e. i = ceil(ln v / ln γ),
 * with γ = 1.04. A bucket reports 2γ^i/(γ+1), the value whose relative distance to both
 * ends of the bucket is the same, so any value in the bucket is within (γ-1)/(γ+1) ≈ 1.96 %
 * of what is reported. Because the boundaries are fixed, histograms merge by adding counts
 * per bucket (any window, any number of writers), which is what the per-minute rollups do.
 *
 * Range: bucket 0 is the zero / sub-microsecond bucket: every duration ≤ 1 µs, 0 included,
 * reports ≈ 0.98 µs (absolute error < 1 µs; the 2 % bound holds from ≈ 0.96 µs up). The
 * largest duration a span can have (int64 ns ≈ 292 years) lands in bucket 762, so indexes
 * fit a PostgreSQL int4 with room to spare and a histogram has at most 763 buckets; real
 * latency distributions touch a few dozen to a couple of hundred, hence the sparse form.
 *
 * The same γ and representative are used in SQL (function `histogram_quantiles`,
 * migration 20261121140000_rollups): keep them in step.
 */

export const HISTOGRAM_GAMMA = 1.04;
const LOG_GAMMA = Math.log(HISTOGRAM_GAMMA);
/** Largest relative error of a reported value: (γ-1)/(γ+1). */
export const HISTOGRAM_MAX_RELATIVE_ERROR = (HISTOGRAM_GAMMA - 1) / (HISTOGRAM_GAMMA + 1);

/** Bucket index of a duration in µs (≥ 0; NaN and negatives count as 0). */
export function bucketIndexOfMicros(durationUs: number): number {
  if (!(durationUs > 1)) return 0;
  return Math.ceil(Math.log(durationUs) / LOG_GAMMA);
}

/** Bucket index of a duration in ns. */
export function bucketIndexOfNanos(durationNs: number): number {
  return bucketIndexOfMicros(durationNs / 1000);
}

/** The value (µs) a bucket reports: 2γ^i/(γ+1). */
export function bucketRepresentativeMicros(index: number): number {
  return (2 * Math.pow(HISTOGRAM_GAMMA, index)) / (HISTOGRAM_GAMMA + 1);
}

/** Sparse histogram: bucket index → count. */
export class LogHistogram {
  readonly counts = new Map<number, number>();
  private total = 0;

  get count(): number {
    return this.total;
  }

  recordMicros(durationUs: number, times = 1): void {
    this.addToBucket(bucketIndexOfMicros(durationUs), times);
  }

  addToBucket(index: number, count: number): void {
    if (count === 0) return;
    this.counts.set(index, (this.counts.get(index) ?? 0) + count);
    this.total += count;
  }

  /** Adds `other` into this histogram (merge by addition). */
  merge(other: LogHistogram): this {
    for (const [index, count] of other.counts) this.addToBucket(index, count);
    return this;
  }

  /** Buckets in ascending order as parallel arrays: the stored form (bucket_ids, bucket_counts). */
  toArrays(): { bucketIds: number[]; bucketCounts: number[] } {
    const bucketIds = [...this.counts.keys()].sort((a, b) => a - b);
    return { bucketIds, bucketCounts: bucketIds.map((id) => this.counts.get(id)!) };
  }

  static fromArrays(bucketIds: readonly number[], bucketCounts: readonly number[]): LogHistogram {
    if (bucketIds.length !== bucketCounts.length) throw new RangeError("bucketIds and bucketCounts differ in length");
    const histogram = new LogHistogram();
    for (let i = 0; i < bucketIds.length; i++) histogram.addToBucket(bucketIds[i], bucketCounts[i]);
    return histogram;
  }

  /**
   * The q-quantile (0 ≤ q ≤ 1) in µs by the nearest-rank rule (the value of rank
   * max(1, ceil(q·n)) in ascending order, as PostgreSQL's percentile_disc), reported as its
   * bucket's representative; undefined when empty.
   */
  quantileMicros(q: number): number | undefined {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.total));
    const { bucketIds, bucketCounts } = this.toArrays();
    let running = 0;
    for (let i = 0; i < bucketIds.length; i++) {
      running += bucketCounts[i];
      if (running >= rank) return bucketRepresentativeMicros(bucketIds[i]);
    }
    return bucketRepresentativeMicros(bucketIds[bucketIds.length - 1]);
  }
}
