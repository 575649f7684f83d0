/** Nanoseconds per unit, for Go-style duration strings as Jaeger accepts them ("1.2s", "100ms", "5us"). */
const NANOS_PER_UNIT: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
};

const PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)/y;

/**
 * Parses a duration like Go's time.ParseDuration ("1.2s", "100ms", "1h30m", "5us", "0"),
 * plus "d" for days (jaeger-ui's lookbacks use it). Returns nanoseconds, truncated, or
 * undefined when the text is not a duration. Negative durations are refused.
 */
export function parseDurationNs(text: string): bigint | undefined {
  const input = text.trim();
  if (input === "0") return 0n;
  if (input === "") return undefined;
  let total = 0n;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const start = PART.lastIndex;
    const match = PART.exec(input);
    if (match === null || match.index !== start) return undefined;
    const [whole, fraction = ""] = match[1].split(".");
    const unit = NANOS_PER_UNIT[match[2]];
    total += BigInt(whole === "" ? "0" : whole) * unit;
    if (fraction !== "") total += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
  }
  return total;
}
