"use client";

import { Fragment, type ReactNode, useState } from "react";
import { RelativeTime } from "@/components/ui/relative-time";
import { formatDurationMs, formatElapsed, formatPercent } from "@/lib/breakers/format-breaker";
import { breakerKey, isOwnerReporting } from "@/lib/breakers/summarize-breakers";
import type { BreakerSummary } from "@/lib/query-client/breakers-schemas";
import { formatCount } from "@/lib/ui/format-number";
import { BreakerStateBadge, UNKNOWN_STATE_DISPLAY } from "./breaker-state-display";
import { RateMeter } from "./rate-meter";

const COLUMN_COUNT = 7;

/** Row tint by state: the open ones stand out in the table as well as in the banner. */
function rowClass(breaker: BreakerSummary, isStale: boolean): string {
  if (isStale) return "opacity-70";
  if (breaker.state === "open" || breaker.state === "forced_open") return "bg-bad/[0.07] shadow-[inset_3px_0_0] shadow-bad";
  if (breaker.state === "half_open") return "bg-warn/[0.05] shadow-[inset_3px_0_0] shadow-warn";
  return "";
}

function ChevronIcon({ isOpen }: { isOpen: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      aria-hidden="true"
      className={`size-4 transition-transform ${isOpen ? "rotate-90" : ""}`}
    >
      <path d="m9 6 6 6-6 6" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

function StaleTag({ breaker, nowMs }: { breaker: BreakerSummary; nowMs: number }) {
  const Icon = UNKNOWN_STATE_DISPLAY.icon;
  return (
    <span className="mt-1 inline-flex items-center gap-1 rounded border whitespace-nowrap border-line-strong bg-canvas px-1.5 py-0.5 text-[11px] font-medium text-ink-soft">
      <Icon className="size-3.5 text-faint" />
      Stale: owner {breaker.ownerStatus ?? "deregistered"}, last report <RelativeTime iso={breaker.updatedAt} nowMs={nowMs} />
    </span>
  );
}

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex justify-between gap-4 border-b border-line/60 py-1 last:border-b-0">
      <dt className="text-muted">{term}</dt>
      <dd className="text-right font-mono text-ink-soft tabular-nums">{children}</dd>
    </div>
  );
}

function BreakerDetails({ breaker, nowMs }: { breaker: BreakerSummary; nowMs: number }) {
  const { config } = breaker;
  return (
    <div className="grid gap-6 px-4 py-4 text-[13px] md:grid-cols-3">
      <div>
        <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-faint uppercase">Configuration</h3>
        <dl>
          <Detail term="Failure-rate threshold">{formatPercent(config.failureRateThreshold)}</Detail>
          <Detail term="Slow-call rate threshold">{formatPercent(config.slowCallRateThreshold)}</Detail>
          <Detail term="Slow-call duration">≥ {formatDurationMs(config.slowCallDurationMs)}</Detail>
          <Detail term="Sliding window">{formatDurationMs(config.windowMs)}</Detail>
          <Detail term="Minimum calls">{formatCount(config.minimumCalls)}</Detail>
          <Detail term="Open wait">{formatDurationMs(config.openWaitMs)}</Detail>
          <Detail term="Half-open probe calls">{formatCount(config.halfOpenCalls)}</Detail>
        </dl>
      </div>
      <div>
        <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-faint uppercase">
          Current window ({formatDurationMs(config.windowMs)})
        </h3>
        <dl>
          <Detail term="Calls">{formatCount(breaker.calls)}</Detail>
          <Detail term="Failed calls">{formatCount(breaker.failedCalls)}</Detail>
          <Detail term="Slow calls">{formatCount(breaker.slowCalls)}</Detail>
          <Detail term="Not permitted (since last beat)">{formatCount(breaker.notPermittedCalls)}</Detail>
          <Detail term="In state since">
            <RelativeTime iso={breaker.stateSince} nowMs={nowMs} />
          </Detail>
        </dl>
        {breaker.calls < config.minimumCalls && (
          <p className="mt-2 text-xs text-muted">
            Fewer than {formatCount(config.minimumCalls)} calls in the window: the rates do not trip the breaker yet.
          </p>
        )}
      </div>
      <div>
        <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-faint uppercase">Owner and target</h3>
        <dl>
          <Detail term="Owner instance">{breaker.ownerInstanceId}</Detail>
          <Detail term="Owner service">{breaker.ownerService}</Detail>
          <Detail term="Owner status">{breaker.ownerStatus ?? "deregistered"}</Detail>
          <Detail term="Last report">
            <RelativeTime iso={breaker.updatedAt} nowMs={nowMs} />
          </Detail>
          <Detail term="Target instance">{breaker.targetInstanceId}</Detail>
          <Detail term="Target service">
            {breaker.targetService}
            {breaker.targetVersion !== null && ` ${breaker.targetVersion}`}
          </Detail>
        </dl>
      </div>
    </div>
  );
}

/**
 * One row per breaker, in the order given (the page sorts open ones first). Each row
 * expands, by its first-column button, into the breaker's configuration and window counts.
 */
export function BreakersTable({ breakers, nowMs }: { breakers: BreakerSummary[]; nowMs: number }) {
  // Ephemeral UI: which rows are expanded, by breaker key (survives refreshes and re-sorting).
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  function handleToggle(key: string) {
    setExpanded((previous) => {
      const next = new Set(previous);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  }

  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[920px] border-collapse text-sm">
        <caption className="sr-only">
          Circuit breakers, open and half-open first. The first button of each row shows the breaker&apos;s configuration.
        </caption>
        <thead>
          <tr className="border-b border-line text-left text-xs tracking-wide text-faint uppercase">
            <th scope="col" className="w-10 px-2 py-2.5 font-medium">
              <span className="sr-only">Details</span>
            </th>
            <th scope="col" className="px-3 py-2.5 font-medium">
              Owner → target
            </th>
            <th scope="col" className="w-36 px-3 py-2.5 font-medium whitespace-nowrap">
              State
            </th>
            <th
              scope="col"
              className="w-36 px-3 py-2.5 font-medium whitespace-nowrap"
              title="Failed calls in the window / threshold"
            >
              Failure rate
            </th>
            <th
              scope="col"
              className="w-36 px-3 py-2.5 font-medium whitespace-nowrap"
              title="Slow calls in the window / threshold"
            >
              Slow-call rate
            </th>
            <th
              scope="col"
              className="w-28 px-3 py-2.5 text-right font-medium"
              title="Calls in the sliding window (minimum to decide)"
            >
              Calls
            </th>
            <th
              scope="col"
              className="w-24 px-3 py-2.5 text-right font-medium whitespace-nowrap"
              title="Calls refused (short-circuited) since the owner's previous heartbeat"
            >
              Not permitted
            </th>
          </tr>
        </thead>
        <tbody>
          {breakers.map((breaker) => {
            const key = breakerKey(breaker);
            const isExpanded = expanded.has(key);
            const isStale = !isOwnerReporting(breaker.ownerStatus);
            const hasEnoughCalls = breaker.calls >= breaker.config.minimumCalls;
            const detailsId = `breaker-details-${key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
            return (
              <Fragment key={key}>
                <tr
                  data-testid="breaker-row"
                  data-state={breaker.state}
                  data-stale={isStale}
                  className={`border-b border-line/70 align-top hover:bg-panel-raised/50 ${rowClass(breaker, isStale)}`}
                >
                  <td className="px-2 py-3">
                    <button
                      type="button"
                      onClick={() => handleToggle(key)}
                      aria-expanded={isExpanded}
                      aria-controls={detailsId}
                      className="flex size-7 items-center justify-center rounded text-muted hover:bg-panel-raised hover:text-ink"
                    >
                      <ChevronIcon isOpen={isExpanded} />
                      <span className="sr-only">
                        Details of {breaker.ownerInstanceId} to {breaker.targetInstanceId}
                      </span>
                    </button>
                  </td>
                  <th scope="row" className="px-3 py-3 text-left font-normal">
                    <span className="flex flex-wrap items-baseline gap-x-1.5 font-mono text-[13px] whitespace-nowrap">
                      <span className="text-ink" data-testid="breaker-owner">
                        {breaker.ownerInstanceId}
                      </span>
                      <span aria-hidden="true" className="text-faint">
                        →
                      </span>
                      <span className="sr-only">calls</span>
                      <span className="font-semibold text-ink" data-testid="breaker-target">
                        {breaker.targetInstanceId}
                      </span>
                    </span>
                    <span className="mt-0.5 block text-xs text-muted">
                      {breaker.ownerService} → {breaker.targetService}
                      {breaker.targetVersion !== null && (
                        <span className="ml-1 rounded bg-panel-raised px-1 py-px font-mono text-[11px] text-ink-soft">
                          {breaker.targetVersion}
                        </span>
                      )}
                    </span>
                    {isStale && <StaleTag breaker={breaker} nowMs={nowMs} />}
                  </th>
                  <td className="px-3 py-3">
                    <BreakerStateBadge state={breaker.state} />
                    <span className="mt-1 block text-xs text-muted tabular-nums" data-testid="breaker-time-in-state">
                      for {formatElapsed(nowMs - Date.parse(breaker.stateSince))}
                    </span>
                  </td>
                  <td className="px-3 py-3" data-testid="breaker-failure-rate">
                    <RateMeter
                      label="failure rate"
                      rate={breaker.failureRate}
                      threshold={breaker.config.failureRateThreshold}
                      hasEnoughCalls={hasEnoughCalls}
                    />
                  </td>
                  <td className="px-3 py-3" data-testid="breaker-slow-rate">
                    <RateMeter
                      label="slow-call rate"
                      rate={breaker.slowCallRate}
                      threshold={breaker.config.slowCallRateThreshold}
                      hasEnoughCalls={hasEnoughCalls}
                    />
                  </td>
                  <td className="px-3 py-3 text-right" data-testid="breaker-calls">
                    <span className="font-mono text-[13px] text-ink tabular-nums">{formatCount(breaker.calls)}</span>
                    <span className={`block text-[11px] ${hasEnoughCalls ? "text-faint" : "text-warn"}`}>
                      min {formatCount(breaker.config.minimumCalls)}
                    </span>
                  </td>
                  <td className="px-3 py-3 text-right" data-testid="breaker-not-permitted">
                    <span
                      className={`font-mono text-[13px] tabular-nums ${breaker.notPermittedCalls > 0 ? "font-semibold text-bad" : "text-muted"}`}
                    >
                      {formatCount(breaker.notPermittedCalls)}
                    </span>
                  </td>
                </tr>
                {isExpanded && (
                  <tr id={detailsId} className="border-b border-line/70 bg-canvas/40">
                    <td colSpan={COLUMN_COUNT}>
                      <BreakerDetails breaker={breaker} nowMs={nowMs} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
