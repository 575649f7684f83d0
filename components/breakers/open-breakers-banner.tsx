import { formatElapsed } from "@/lib/breakers/format-breaker";
import type { BreakersAttention } from "@/lib/breakers/summarize-breakers";
import type { BreakerSummary } from "@/lib/query-client/breakers-schemas";
import { BREAKER_STATE_DISPLAY } from "./breaker-state-display";

/** How many breakers the banner names before "and N more". */
const MAX_NAMED = 4;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function BreakerNames({ breakers, nowMs }: { breakers: BreakerSummary[]; nowMs: number }) {
  const named = breakers.slice(0, MAX_NAMED);
  return (
    <ul className="mt-1.5 flex flex-wrap gap-x-4 gap-y-1">
      {named.map((breaker) => (
        <li key={`${breaker.ownerInstanceId}→${breaker.targetInstanceId}`} className="font-mono text-[13px] text-ink">
          {breaker.ownerInstanceId} <span aria-hidden="true">→</span>
          <span className="sr-only">to</span> {breaker.targetInstanceId}
          <span className="ml-1.5 font-sans text-xs text-ink-soft">
            {breaker.state === "forced_open" ? "forced, " : ""}for {formatElapsed(nowMs - Date.parse(breaker.stateSince))}
          </span>
        </li>
      ))}
      {breakers.length > MAX_NAMED && <li className="text-[13px] text-ink-soft">and {breakers.length - MAX_NAMED} more</li>}
    </ul>
  );
}

/**
 * The first thing on the page: red when any breaker refuses calls, amber when only probing,
 * a quiet line when all is well. Counts every breaker, whatever the filters show.
 */
export function OpenBreakersBanner({ attention, nowMs }: { attention: BreakersAttention<BreakerSummary>; nowMs: number }) {
  const { open, halfOpen, staleNotClosed } = attention;
  const OpenIcon = BREAKER_STATE_DISPLAY.open.icon;
  const HalfOpenIcon = BREAKER_STATE_DISPLAY.half_open.icon;
  const ClosedIcon = BREAKER_STATE_DISPLAY.closed.icon;
  const staleNote =
    staleNotClosed.length > 0
      ? ` ${plural(staleNotClosed.length, "breaker was", "breakers were")} last reported not closed by an owner that stopped reporting.`
      : "";

  if (open.length > 0) {
    return (
      <section
        aria-labelledby="open-breakers-title"
        data-testid="breakers-banner"
        data-severity="open"
        className="mb-4 flex gap-4 rounded-lg border-2 border-bad/70 bg-bad/15 px-4 py-3.5 shadow-[0_0_0_4px] shadow-bad/10"
      >
        <span className="flex size-10 shrink-0 items-center justify-center rounded-full bg-bad text-canvas">
          <OpenIcon className="size-6" />
        </span>
        <div className="min-w-0 flex-1">
          <h2 id="open-breakers-title" className="text-base font-semibold text-ink">
            {plural(open.length, "breaker open", "breakers open")}: calls to{" "}
            {open.length === 1 ? "this target are" : "these targets are"} refused
          </h2>
          <BreakerNames breakers={open} nowMs={nowMs} />
          {halfOpen.length > 0 && (
            <p className="mt-2 flex items-center gap-1.5 text-sm text-warn">
              <HalfOpenIcon className="size-4" />
              Also {plural(halfOpen.length, "breaker", "breakers")} half-open (probing):{" "}
              <span className="font-mono text-[13px] text-ink">
                {halfOpen.map((b) => `${b.ownerInstanceId} → ${b.targetInstanceId}`).join(", ")}
              </span>
            </p>
          )}
          {staleNote && <p className="mt-1.5 text-xs text-ink-soft">{staleNote}</p>}
        </div>
      </section>
    );
  }

  if (halfOpen.length > 0) {
    return (
      <section
        aria-labelledby="open-breakers-title"
        data-testid="breakers-banner"
        data-severity="half_open"
        className="mb-4 flex gap-4 rounded-lg border-2 border-warn/60 bg-warn/10 px-4 py-3.5"
      >
        <span className="flex size-10 shrink-0 items-center justify-center rounded-full bg-warn text-canvas">
          <HalfOpenIcon className="size-6" />
        </span>
        <div className="min-w-0 flex-1">
          <h2 id="open-breakers-title" className="text-base font-semibold text-ink">
            {plural(halfOpen.length, "breaker half-open", "breakers half-open")}: probing whether the target recovered
          </h2>
          <BreakerNames breakers={halfOpen} nowMs={nowMs} />
          {staleNote && <p className="mt-1.5 text-xs text-ink-soft">{staleNote}</p>}
        </div>
      </section>
    );
  }

  return (
    <section
      aria-labelledby="open-breakers-title"
      data-testid="breakers-banner"
      data-severity="none"
      className="mb-4 flex items-center gap-3 rounded-lg border border-ok/25 bg-ok/5 px-4 py-2.5"
    >
      <ClosedIcon className="size-5 shrink-0 text-ok" />
      <h2 id="open-breakers-title" className="text-sm font-medium text-ink">
        No breaker is open.{" "}
        <span className="font-normal text-muted">
          {plural(attention.total, "breaker", "breakers")} reported
          {attention.staleCount > 0 ? `, ${attention.staleCount} of them by owners that stopped reporting` : ""}.{staleNote}
        </span>
      </h2>
    </section>
  );
}
