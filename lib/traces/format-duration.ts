/**
 * Durations for the trace views, from microseconds: "850 µs", "12.3 ms", "1.25 s",
 * "2 min 5 s". Three significant digits read at a glance; the unit is always written.
 */
export function formatDurationUs(us: number): string {
  if (!Number.isFinite(us)) return "–";
  if (us === 0) return "0";
  const abs = Math.abs(us);
  if (abs < 1) return `${round(us * 1_000)} ns`;
  if (abs < 1_000) return `${round(us)} µs`;
  if (abs < 1_000_000) return `${round(us / 1_000)} ms`;
  if (abs < 60_000_000) return `${round(us / 1_000_000)} s`;
  const totalSeconds = Math.round(us / 1_000_000);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} min ${totalSeconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Three significant digits, without trailing zeros: 1.25, 12.3, 123, 1230. */
function round(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return String(Number(value.toFixed(digits)));
}

/** The best unit for an axis whose largest value is `maxUs`, and how many µs it holds. */
export function pickDurationUnit(maxUs: number): { unit: "µs" | "ms" | "s"; us: number } {
  if (maxUs >= 1_000_000) return { unit: "s", us: 1_000_000 };
  if (maxUs >= 1_000) return { unit: "ms", us: 1_000 };
  return { unit: "µs", us: 1 };
}

/**
 * Evenly spaced "nice" tick offsets (1, 2 or 5 × 10^n µs) from 0 to at least `spanUs`, at most
 * about `maxTicks` of them: the waterfall's time axis.
 */
export function niceTicks(spanUs: number, maxTicks: number): number[] {
  if (!(spanUs > 0) || maxTicks < 1) return [0];
  const rough = spanUs / maxTicks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = 0; t <= spanUs + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}
