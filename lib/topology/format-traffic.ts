/**
 * Numbers of the topology views, always with their unit. Fixed locale, pure: the server
 * render and the browser agree. The rounding is lib/ui/format-number's, as on every page.
 */
import { formatCount, formatMsNumber, formatPercentNumber, formatRateNumber } from "@/lib/ui/format-number";

/** "0 req/s", "0.067 req/s", "12.3 req/s", "1,234 req/s". */
export function formatRps(rps: number): string {
  return `${formatRateNumber(rps)} req/s`;
}

/** An error rate (0..1) as a percentage: "0 %", "<0.1 %", "0.53 %", "12.5 %", "100 %"; "–" without calls. */
export function formatErrorRate(errorRate: number | null): string {
  return errorRate === null ? "–" : `${formatPercentNumber(errorRate * 100)} %`;
}

/** A latency in ms: "0.85 ms", "42.1 ms", "1,250 ms"; "–" without calls. */
export function formatMs(ms: number | null): string {
  return ms === null ? "–" : `${formatMsNumber(ms)} ms`;
}

/** "1 call", "12,345 calls". */
export function formatCalls(calls: number): string {
  return `${formatCount(calls)} ${calls === 1 ? "call" : "calls"}`;
}
