/**
 * Simulated work time: a log-normal body (most requests near the median, a natural right
 * skew) plus an optional heavy tail — so versions of a service can differ the way real
 * deployments do (orders v2: faster median, worse p99).
 */

export type LatencyProfile = {
  /** Median of the body, ms. */
  medianMs: number;
  /** Log-normal shape: 0 = always the median; 0.5 = p95 ≈ 2.3 × median. */
  sigma: number;
  /** Share of requests drawn from the tail instead (0..1). */
  tailRate: number;
  /** Tail requests take uniformly between these (ms). */
  tailMinMs: number;
  tailMaxMs: number;
};

/** A standard normal draw from two uniforms (Box–Muller). */
function standardNormal(random: () => number): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** One duration in ms (integer, ≥ 0) drawn from `profile`. `random` ∈ [0, 1). */
export function sampleLatencyMs(profile: LatencyProfile, random: () => number = Math.random): number {
  if (profile.tailRate > 0 && random() < profile.tailRate) {
    return Math.round(profile.tailMinMs + random() * (profile.tailMaxMs - profile.tailMinMs));
  }
  return Math.max(0, Math.round(profile.medianMs * Math.exp(profile.sigma * standardNormal(random))));
}
