"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { ERROR_RATE_TEXT_CLASS } from "@/components/ui/error-rate-class";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { Skeleton } from "@/components/ui/skeleton";
import { formatMs, formatPercent, formatRate } from "@/lib/service-detail/format-service-detail";
import { routeVersionsQueryOptions, type TrafficRange } from "@/lib/query-client/traffic-query";
import { formatCount } from "@/lib/ui/format-number";
import { classifyErrors } from "@/lib/ui/health";
import type { RefreshInterval } from "@/lib/ui/refresh-interval";
import { versionColor } from "./version-colors";

const COLUMNS = ["Requests", "Rate", "Errors", "p50", "p95", "p99"] as const;

/**
 * RED per backend version side by side (GET /routes/{id}/versions): requests, req/s, error %
 * and p50/p95/p99 (ms) of the spans each version served, so a canary's latency and errors
 * read against the stable version's in one glance.
 */
export function VersionRedTable({
  routeId,
  versionOrder,
  range,
  rangeLabel,
  refetchInterval,
}: {
  routeId: string;
  /** The route's versions in order, for the colours (the table lists every version the API returns). */
  versionOrder: readonly string[];
  range: TrafficRange;
  rangeLabel: string;
  refetchInterval: RefreshInterval;
}) {
  const titleId = useId();
  const red = useQuery({ ...routeVersionsQueryOptions(routeId, range), refetchInterval });

  let body;
  if (red.isPending) {
    body = (
      <div role="status" aria-label="Loading per-version numbers" className="space-y-2 p-4">
        <Skeleton className="h-6 w-full" />
        <Skeleton className="h-6 w-full" />
      </div>
    );
  } else if (red.isError && red.data === undefined) {
    body = (
      <ErrorPanel
        title="Could not load the per-version numbers"
        message={red.error.message}
        onRetry={() => void red.refetch()}
        isRetrying={red.isFetching}
      />
    );
  } else if (red.data.versions.length === 0) {
    body = <p className="px-4 py-3 text-sm text-muted">No requests to any version in the last {rangeLabel}.</p>;
  } else {
    body = (
      <>
        {red.isError && (
          <StaleDataBanner message={red.error.message} onRetry={() => void red.refetch()} isRetrying={red.isFetching} />
        )}
        <div className="overflow-x-auto">
          <table className="w-full min-w-[640px] text-sm" data-testid="version-red-table">
            <caption className="sr-only">Requests, rate, error percentage and latency percentiles per version</caption>
            <thead className="border-b border-line">
              <tr className="text-xs font-medium tracking-wide text-faint uppercase">
                <th scope="col" className="px-4 py-2 text-left font-medium">
                  Version
                </th>
                {COLUMNS.map((column) => (
                  <th key={column} scope="col" className="px-4 py-2 text-right font-medium">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {red.data.versions.map((version) => {
                const index = versionOrder.indexOf(version.version);
                const health = classifyErrors(Math.round(version.errorRate * version.requests), version.requests);
                const ms = (value: number | null) => (value === null ? "–" : formatMs(value));
                return (
                  <tr key={version.version} data-testid="version-red-row" data-version={version.version}>
                    <th scope="row" className="px-4 py-2 text-left font-medium text-ink">
                      <span className="flex items-center gap-2">
                        <span
                          aria-hidden="true"
                          className="size-2.5 rounded-full"
                          style={{ backgroundColor: index === -1 ? "#5f6d7b" : versionColor(index) }}
                        />
                        {version.version}
                      </span>
                    </th>
                    <td className="px-4 py-2 text-right text-ink-soft tabular-nums">{formatCount(version.requests)}</td>
                    <td className="px-4 py-2 text-right text-ink-soft tabular-nums">{formatRate(version.ratePerSecond)}</td>
                    <td className={`px-4 py-2 text-right tabular-nums ${ERROR_RATE_TEXT_CLASS[health]}`}>
                      {version.requests === 0 ? "–" : formatPercent(version.errorRate * 100)}
                    </td>
                    <td className="px-4 py-2 text-right text-ink-soft tabular-nums">{ms(version.p50Ms)}</td>
                    <td className="px-4 py-2 text-right text-ink-soft tabular-nums">{ms(version.p95Ms)}</td>
                    <td className="px-4 py-2 text-right text-ink-soft tabular-nums">{ms(version.p99Ms)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </>
    );
  }

  return (
    <Panel labelledBy={titleId}>
      <PanelHeader id={titleId} title={`Per version, last ${rangeLabel}`}>
        <p className="text-xs text-muted">From the spans of the route&apos;s service, by the version that served them.</p>
      </PanelHeader>
      {body}
    </Panel>
  );
}
