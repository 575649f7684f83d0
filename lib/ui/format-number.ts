const integerFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const compactFormat = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** "12,345" — exact counts in tables. Fixed locale so server and client render the same. */
export function formatCount(value: number): string {
  return integerFormat.format(value);
}

/** "12.3K", "4.5M" — headline numbers where magnitude matters more than digits. */
export function formatCompactCount(value: number): string {
  return compactFormat.format(value);
}

/**
 * The one rounding rule for measured numbers on every page (Overview, Topology, a service's
 * page): whole and grouped from 100 ("1,234"), three significant digits from 1 ("12.3"), two
 * below ("0.042"). Fixed locale, so the server render and the browser agree.
 */
export function formatSignificant(value: number): string {
  if (Math.abs(value) >= 100) return integerFormat.format(value);
  return String(Number(value.toPrecision(Math.abs(value) >= 1 ? 3 : 2)));
}

/** Requests per second, without the unit: "0", "<0.001", "0.42", "1,234". */
export function formatRateNumber(perSecond: number): string {
  if (perSecond === 0) return "0";
  if (perSecond < 0.001) return "<0.001";
  return formatSignificant(perSecond);
}

/** A percentage (0..100), without the unit: "0", "<0.1", "2.5", "12.3", ">99.9", "100". */
export function formatPercentNumber(percent: number): string {
  if (percent === 0) return "0";
  if (percent < 0.1) return "<0.1";
  if (percent >= 99.95 && percent < 100) return ">99.9";
  return String(Number(percent.toFixed(percent >= 10 ? 1 : 2)));
}

/** Milliseconds, without the unit: "0", "0.85", "42.1", "1,250". */
export function formatMsNumber(ms: number): string {
  return ms === 0 ? "0" : formatSignificant(ms);
}
