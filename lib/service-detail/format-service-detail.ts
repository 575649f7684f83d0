import { formatMsNumber, formatPercentNumber, formatRateNumber } from "@/lib/ui/format-number";
import { formatClock } from "@/lib/ui/format-time";

/**
 * Numbers of the service detail page, always with their unit. Fixed locale, so the server
 * render and the browser agree.
 */

/** "0 req/s", "<0.001 req/s", "0.42 req/s", "1,234 req/s". */
export function formatRate(perSecond: number): string {
  return `${formatRateNumber(perSecond)} req/s`;
}

/** "0 %", "<0.1 %", "2.5 %", ">99.9 %", "100 %". */
export function formatPercent(percent: number): string {
  return `${formatPercentNumber(percent)} %`;
}

/** Latency in ms (the charts' unit): "0.85 ms", "12.3 ms", "1,250 ms". */
export function formatMs(ms: number): string {
  return `${formatMsNumber(ms)} ms`;
}

/** A latency from µs in the unit that reads best for tables: "850 µs", "12.3 ms", "1.25 s". */
export function formatLatencyUs(us: number): string {
  if (us === 0) return "0 ms";
  if (us < 1_000) return `${Number(us.toPrecision(3))} µs`;
  if (us < 1_000_000) return `${Number((us / 1_000).toPrecision(3))} ms`;
  return `${Number((us / 1_000_000).toPrecision(3))} s`;
}

/** Axis ticks: short, unit in the axis label ("1.2k", "350", "0.5"). */
export function formatAxisNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1_000_000) return `${Number((value / 1_000_000).toPrecision(3))}M`;
  if (abs >= 1_000) return `${Number((value / 1_000).toPrecision(3))}k`;
  if (abs === 0) return "0";
  return String(Number(value.toPrecision(3)));
}

/** "12 s", "3 min 5 s", "2 h 10 min", "3 d 4 h": a heartbeat age or time in state. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1_000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Axis ticks for a time axis: the clock, plus the day for windows over a day. */
export function formatAxisTime(ms: number, spanMs: number): string {
  if (spanMs > 86_400_000) {
    const d = new Date(ms);
    return `${d.toLocaleDateString("en-GB", { day: "2-digit", month: "short" })} ${formatClock(ms)}`;
  }
  return formatClock(ms, spanMs <= 10 * 60_000);
}

const TICK_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1_440].map((minutes) => minutes * 60_000);

/**
 * Round instants for a time axis over [startMs, endMs]: the smallest step (1, 2, 5, 10, 15,
 * 30 min, 1, 2, 3, 6, 12 h, days) giving at most `maxTicks`, on whole steps of the viewer's
 * clock (`tzOffsetMs` east of UTC: 10:00, 10:15 …, not 10:07, 10:22).
 */
export function buildTimeTicks(startMs: number, endMs: number, maxTicks = 7, tzOffsetMs = 0): number[] {
  if (!(endMs > startMs)) return [];
  const span = endMs - startMs;
  const step =
    TICK_STEPS_MS.find((candidate) => span / candidate <= maxTicks) ?? Math.ceil(span / maxTicks / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let t = Math.ceil((startMs + tzOffsetMs) / step) * step - tzOffsetMs; t <= endMs; t += step) ticks.push(t);
  return ticks;
}
