"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { Skeleton } from "@/components/ui/skeleton";
import { routeSplitQueryOptions, type TrafficRange } from "@/lib/query-client/traffic-query";
import { splitChangeMarkers, type SplitSource, toSplitChartRows } from "@/lib/traffic/split-chart-rows";
import { formatClock } from "@/lib/ui/format-time";
import type { RefreshInterval } from "@/lib/ui/refresh-interval";
import { useIsHydrated } from "@/lib/ui/use-now";
import { ChartLineSplit, SPLIT_SOURCE_STYLE } from "./chart-line-split";
import { versionColor } from "./version-colors";

/** The configured vs observed split chart of one route, its legend and its numbered weight changes. */
export function SplitPanel({
  routeId,
  range,
  rangeLabel,
  refetchInterval,
}: {
  routeId: string;
  range: TrafficRange;
  rangeLabel: string;
  refetchInterval: RefreshInterval;
}) {
  const titleId = useId();
  const isHydrated = useIsHydrated();
  const [showSpans, setShowSpans] = useState(true);
  const split = useQuery({ ...routeSplitQueryOptions(routeId, range), refetchInterval });
  const sources: SplitSource[] = showSpans ? ["configured", "lb", "spans"] : ["configured", "lb"];

  let body;
  if (split.isPending || !isHydrated) {
    body = (
      <div role="status" aria-label="Loading the split chart" className="p-4">
        <Skeleton className="h-[260px] w-full rounded-lg" />
      </div>
    );
  } else if (split.isError && split.data === undefined) {
    body = (
      <ErrorPanel
        title="Could not load the split over time"
        message={split.error.message}
        onRetry={() => void split.refetch()}
        isRetrying={split.isFetching}
      />
    );
  } else {
    const data = split.data;
    const rows = toSplitChartRows(data);
    const domainStartMs = Date.parse(data.from);
    const domainEndMs = Date.parse(data.to);
    const markers = splitChangeMarkers(data.changes, domainStartMs, domainEndMs);
    const hasTraffic = rows.some((row) => row.lbTotal > 0 || row.spansTotal > 0);
    body = (
      <>
        {split.isError && (
          <StaleDataBanner message={split.error.message} onRetry={() => void split.refetch()} isRetrying={split.isFetching} />
        )}
        <div className="px-2 pt-2">
          <ChartLineSplit
            rows={rows}
            versions={data.versions}
            sources={sources}
            markers={markers}
            domainStartMs={domainStartMs}
            domainEndMs={domainEndMs}
            stepMs={data.stepMs}
            emptyMessage={hasTraffic ? undefined : `No requests through this route in the last ${rangeLabel}`}
          />
        </div>
        <div className="flex flex-wrap items-start justify-between gap-x-6 gap-y-2 border-t border-line px-4 py-2.5">
          <ul className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted" aria-label="Legend">
            {data.versions.map((version, index) => (
              <li key={version} className="flex items-center gap-1.5">
                <span aria-hidden="true" className="size-2.5 rounded-full" style={{ backgroundColor: versionColor(index) }} />
                {version}
              </li>
            ))}
            {sources.map((source) => (
              <li key={source} className="flex items-center gap-1.5">
                <svg aria-hidden="true" width="18" height="8" viewBox="0 0 18 8">
                  <line
                    x1="0"
                    y1="4"
                    x2="18"
                    y2="4"
                    stroke="#c2ccd6"
                    strokeOpacity={SPLIT_SOURCE_STYLE[source].opacity}
                    strokeWidth={SPLIT_SOURCE_STYLE[source].width}
                    strokeDasharray={SPLIT_SOURCE_STYLE[source].dash}
                  />
                </svg>
                {SPLIT_SOURCE_STYLE[source].label}
              </li>
            ))}
          </ul>
          {markers.length > 0 && (
            <ol className="flex flex-col gap-0.5 text-xs text-muted" aria-label="Weight changes on the chart">
              {markers.map((marker) => (
                <li key={marker.number} className="tabular-nums">
                  <span className="mr-1.5 inline-flex size-4 items-center justify-center rounded-full border border-[#a5b4fc] text-[10px] font-semibold text-[#a5b4fc]">
                    {marker.number}
                  </span>
                  {formatClock(marker.atMs, true)} — {marker.label}
                </li>
              ))}
            </ol>
          )}
        </div>
      </>
    );
  }

  return (
    <Panel labelledBy={titleId}>
      <PanelHeader id={titleId} title={`Configured vs observed split, last ${rangeLabel}`}>
        <label className="flex items-center gap-2 text-xs text-muted">
          <input type="checkbox" checked={showSpans} onChange={(event) => setShowSpans(event.target.checked)} />
          Observed from spans too (dashed)
        </label>
      </PanelHeader>
      {body}
    </Panel>
  );
}
