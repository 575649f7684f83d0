/**
 * Numbers of the Overview, as a value and its unit (the table writes the unit smaller, but
 * always writes it). Fixed locale, so the server and the browser render the same text.
 */
import { formatDurationUs } from "@/lib/traces/format-duration";
import { formatPercentNumber, formatRateNumber } from "@/lib/ui/format-number";

export type NumberWithUnit = { value: string; unit: string };

/** Requests per second: "0", "<0.001", "0.42", "12.3", "1,234". */
export function formatRequestRate(perSecond: number): NumberWithUnit {
  return { value: formatRateNumber(perSecond), unit: "req/s" };
}

/** A percentage: "0", "<0.1", "2.5", "12.3", "100". */
export function formatPercent(percent: number): NumberWithUnit {
  return { value: formatPercentNumber(percent), unit: "%" };
}

/** A latency from milliseconds, in the unit that reads best: "850 µs", "12.3 ms", "1.25 s". */
export function formatLatencyMs(ms: number): NumberWithUnit {
  if (ms === 0) return { value: "0", unit: "ms" };
  const text = formatDurationUs(ms * 1_000);
  const space = text.lastIndexOf(" ");
  return space === -1 ? { value: text, unit: "ms" } : { value: text.slice(0, space), unit: text.slice(space + 1) };
}

/** "2.5 req/s" — for tooltips and accessible labels. */
export const withUnit = ({ value, unit }: NumberWithUnit) => (unit === "%" ? `${value} %` : `${value} ${unit}`);
