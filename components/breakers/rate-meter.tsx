import { formatPercent } from "@/lib/breakers/format-breaker";

/**
 * A rate against the threshold that trips the breaker: the figure, the threshold, and a bar
 * with a tick at the threshold. Red once the rate reaches the threshold with enough calls
 * to decide, and then written "83 % ≥ 50 %" rather than "83 % / 50 %": not colour alone.
 */
export function RateMeter({
  label,
  rate,
  threshold,
  hasEnoughCalls,
}: {
  label: string;
  /** 0..100 */
  rate: number;
  /** 0..100 */
  threshold: number;
  hasEnoughCalls: boolean;
}) {
  const isOver = hasEnoughCalls && rate >= threshold && rate > 0;
  const isNear = !isOver && rate > 0 && rate >= threshold * 0.8;
  const tone = isOver ? "text-bad" : isNear ? "text-warn" : rate > 0 ? "text-ink" : "text-muted";
  const fill = isOver ? "bg-bad" : isNear ? "bg-warn" : "bg-accent/70";
  return (
    <div className="min-w-[7rem]">
      <p className="flex items-baseline gap-1 whitespace-nowrap">
        <span className={`font-mono text-[13px] font-semibold tabular-nums ${tone}`}>{formatPercent(rate)}</span>
        <span className={`text-[11px] ${isOver ? "font-semibold text-bad" : "text-faint"}`}>
          <span className="sr-only">
            {label}, {isOver ? "at or above its threshold of" : "threshold"}{" "}
          </span>
          <span aria-hidden="true">{isOver ? "≥ " : "/ "}</span>
          {formatPercent(threshold)}
        </span>
      </p>
      <span aria-hidden="true" className="relative mt-1 block h-1.5 w-full overflow-visible rounded-full bg-line">
        <span className={`absolute inset-y-0 left-0 rounded-full ${fill}`} style={{ width: `${Math.min(100, rate)}%` }} />
        <span
          className="absolute -top-0.5 -bottom-0.5 w-0.5 rounded bg-ink-soft"
          style={{ left: `calc(${Math.min(100, threshold)}% - 1px)` }}
          title={`threshold ${formatPercent(threshold)}`}
        />
      </span>
    </div>
  );
}
