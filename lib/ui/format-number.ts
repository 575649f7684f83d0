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
