"use client";

import Link from "next/link";
import { BREAKER_STATE_DISPLAY, BreakerStateBadge } from "@/components/breakers/breaker-state-display";
import { ERROR_RATE_TEXT_CLASS } from "@/components/ui/error-rate-class";
import type { ServiceEdgeDto } from "@/lib/query-client/service-detail-schemas";
import { formatLatencyUs, formatPercent, formatRate } from "@/lib/service-detail/format-service-detail";
import { isOwnerReporting } from "@/lib/breakers/summarize-breakers";
import { STATES_BY_URGENCY, summarizeEdgeBreakers, toBreakerCounts } from "@/lib/breakers/summarize-edge-breakers";
import { classifyErrors } from "@/lib/ui/health";

/**
 * One direction of a service's edges: the peer (a link to its own page), rate, error % and
 * p95 as the calling side measured them, and the circuit breakers on the edge — the most
 * alarming state with the count per state, each breaker listed under "details".
 */
export function EdgesTable({
  edges,
  direction,
  isServiceVirtual,
  peerHref,
}: {
  edges: readonly ServiceEdgeDto[];
  direction: "upstream" | "downstream";
  /** The page's service is itself a virtual node: every call to it is an unpaired client span, nothing to flag. */
  isServiceVirtual: boolean;
  peerHref: (peer: string) => string;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[760px] table-fixed text-sm" data-testid={`edges-${direction}`}>
        <thead className="border-b border-line text-xs tracking-wide text-faint uppercase">
          <tr>
            <th scope="col" className="h-9 px-4 text-left font-medium">
              {direction === "upstream" ? "Caller" : "Callee"}
            </th>
            <th scope="col" className="w-32 px-3 text-right font-medium">
              Rate
            </th>
            <th scope="col" className="w-24 px-3 text-right font-medium">
              Errors
            </th>
            <th scope="col" className="w-24 px-3 text-right font-medium">
              p95
            </th>
            <th scope="col" className="w-[22rem] px-4 text-left font-medium">
              Breakers
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {edges.map((edge) => (
            <tr key={`${edge.peer}:${edge.isVirtual}`} data-testid="edge-row" data-peer={edge.peer}>
              <td className="px-4 py-2">
                <div className="flex min-w-0 items-center gap-2">
                  <Link
                    href={peerHref(edge.peer)}
                    className="truncate rounded font-medium text-ink hover:text-accent"
                    title={edge.peer}
                  >
                    {edge.peer}
                  </Link>
                  {edge.isVirtual && !(direction === "upstream" && isServiceVirtual) && (
                    <span
                      className="shrink-0 rounded border border-line-strong px-1.5 py-px text-[10px] font-medium tracking-wide text-muted uppercase"
                      title={
                        direction === "downstream"
                          ? "Not instrumented: known from the client spans that name it (a database, a broker, an external host)"
                          : "Client spans that named this service but got no server span back: the calls may never have reached it"
                      }
                    >
                      {direction === "downstream" ? "virtual" : "unanswered"}
                    </span>
                  )}
                </div>
              </td>
              {edge.stats === null ? (
                <td colSpan={3} className="px-3 py-2 text-right text-xs text-faint">
                  No calls in this range
                </td>
              ) : (
                <>
                  <td className="px-3 py-2 text-right whitespace-nowrap text-ink tabular-nums">
                    {formatRate(edge.stats.ratePerS)}
                  </td>
                  <td
                    className={`px-3 py-2 text-right whitespace-nowrap tabular-nums ${ERROR_RATE_TEXT_CLASS[classifyErrors(edge.stats.errors, edge.stats.calls)]}`}
                  >
                    {formatPercent(edge.stats.errorPct)}
                  </td>
                  <td
                    className="px-3 py-2 text-right whitespace-nowrap text-ink tabular-nums"
                    title={`p50 ${formatLatencyUs(edge.stats.p50Us)}, p99 ${formatLatencyUs(edge.stats.p99Us)}`}
                  >
                    {formatLatencyUs(edge.stats.p95Us)}
                  </td>
                </>
              )}
              <td className="px-4 py-2">
                <EdgeBreakers breakers={edge.breakers} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EdgeBreakers({ breakers }: { breakers: ServiceEdgeDto["breakers"] }) {
  const summary = summarizeEdgeBreakers(toBreakerCounts(breakers));
  if (summary === null) return <span className="text-xs text-faint">None reported</span>;
  const counts = [
    ...STATES_BY_URGENCY.filter((state) => summary.countByState[state] > 0).map(
      (state) => `${summary.countByState[state]} ${BREAKER_STATE_DISPLAY[state].label.toLowerCase()}`,
    ),
    ...(summary.staleCount > 0 ? [`${summary.staleCount} stale`] : []),
  ].join(", ");
  return (
    <details className="group" data-testid="edge-breakers" data-state={summary.state ?? "stale"}>
      <summary className="flex cursor-pointer list-none items-center gap-2 rounded [&::-webkit-details-marker]:hidden">
        {summary.state !== null && <BreakerStateBadge state={summary.state} size="sm" />}
        <span className="text-xs whitespace-nowrap text-muted">{counts}</span>
      </summary>
      <ul className="mt-1.5 space-y-1">
        {breakers.map((breaker) => (
          <li key={`${breaker.ownerInstanceId}→${breaker.targetInstanceId}`} className="flex items-center gap-2 text-xs">
            <span className="font-mono break-all text-ink-soft">
              {breaker.ownerInstanceId} → {breaker.targetInstanceId}
            </span>
            <span className={BREAKER_STATE_DISPLAY[breaker.state].textClass}>{BREAKER_STATE_DISPLAY[breaker.state].label}</span>
            {!isOwnerReporting(breaker.ownerStatus) && (
              <span className="text-faint">(owner {breaker.ownerStatus ?? "gone"}: stale)</span>
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}
