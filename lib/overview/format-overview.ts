/**
 * Numbers of the Overview, as a value and its unit (the table writes the unit smaller, but
 * always writes it). Fixed locale, so the server and the browser render the same text.
 */
import { formatDurationUs } from "@/lib/traces/format-duration";

export type NumberWithUnit = { value: string; unit: string };

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Three significant digits below 100 (0.0421 → "0.042"), whole numbers above. */
function significant(value: number): string {
  if (value >= 100) return grouped.format(value);
  return String(Number(value.toPrecision(value >= 1 ? 3 : 2)));
}

/** Requests per second: "0", "<0.001", "0.42", "12.3", "1,234". */
export function formatRequestRate(perSecond: number): NumberWithUnit {
  if (perSecond === 0) return { value: "0", unit: "req/s" };
  if (perSecond < 0.001) return { value: "<0.001", unit: "req/s" };
  return { value: significant(perSecond), unit: "req/s" };
}

/** A percentage: "0", "<0.1", "2.5", "12.3", "100". */
export function formatPercent(percent: number): NumberWithUnit {
  if (percent === 0) return { value: "0", unit: "%" };
  if (percent < 0.1) return { value: "<0.1", unit: "%" };
  if (percent >= 99.95 && percent < 100) return { value: ">99.9", unit: "%" };
  return { value: String(Number(percent.toFixed(percent >= 10 ? 1 : 2))), unit: "%" };
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
