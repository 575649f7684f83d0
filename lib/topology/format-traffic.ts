/**
 * Numbers of the topology views, always with their unit. Fixed locale, pure: the server
 * render and the browser agree.
 */

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Three significant digits (at most `maxDecimals` decimals), without trailing zeros; thousands grouped. */
function significant(value: number, maxDecimals = 3): string {
  const abs = Math.abs(value);
  if (abs >= 1_000) return grouped.format(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return String(Number(value.toFixed(Math.min(digits, maxDecimals))));
}

/** "0 req/s", "0.017 req/s", "12.3 req/s", "1,234 req/s". */
export function formatRps(rps: number): string {
  if (rps === 0) return "0 req/s";
  if (rps < 0.001) return "<0.001 req/s";
  return `${significant(rps)} req/s`;
}

/** An error rate (0..1) as a percentage: "0 %", "<0.01 %", "0.53 %", "12.5 %", "100 %"; "–" without calls. */
export function formatErrorRate(errorRate: number | null): string {
  if (errorRate === null) return "–";
  if (errorRate === 0) return "0 %";
  const percent = errorRate * 100;
  if (percent < 0.01) return "<0.01 %";
  return `${significant(percent, 2)} %`;
}

/** A latency in ms: "0.85 ms", "42.1 ms", "1,250 ms"; "–" without calls. */
export function formatMs(ms: number | null): string {
  if (ms === null) return "–";
  return `${significant(ms)} ms`;
}

/** "1 call", "12,345 calls". */
export function formatCalls(calls: number): string {
  return `${grouped.format(calls)} ${calls === 1 ? "call" : "calls"}`;
}
