"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel } from "@/components/ui/panel";
import { Skeleton } from "@/components/ui/skeleton";
import type { ServiceAnnotationsResponse } from "@/lib/query-client/service-detail-schemas";
import { serviceAnnotationsQueryOptions, serviceSeriesQueryOptions } from "@/lib/query-client/service-detail-query";
import {
  type AnnotationMarker,
  annotationGapMs,
  type BreakerSpell,
  breakerSpells,
  placeAnnotations,
} from "@/lib/service-detail/place-annotations";
import { type OperationFilter, SPAN_KIND_LABELS } from "@/lib/service-detail/service-detail-params";
import { type SeriesRow, toSeriesRows } from "@/lib/service-detail/to-series-rows";
import type { RefreshInterval } from "@/lib/ui/refresh-interval";
import { describeTimeRange, type TimeRange } from "@/lib/ui/time-range";
import { useIsHydrated } from "@/lib/ui/use-now";
import { AnnotationsList } from "./annotations-list";
import { ChartAreaRequestRate, RATE_SERIES } from "./chart-area-request-rate";
import { ChartLineErrorRate, ERROR_SERIES } from "./chart-line-error-rate";
import { ChartLineLatency, LATENCY_SERIES } from "./chart-line-latency";
import { SeriesLegend } from "./series-legend";

/** What every chart of the page gets: the same rows, axis and annotations. */
export type ServiceChartProps = {
  rows: readonly SeriesRow[];
  domainStartMs: number;
  domainEndMs: number;
  markers: readonly AnnotationMarker[];
  spells: readonly BreakerSpell[];
  syncId: string;
  emptyMessage?: string;
};

const NO_ANNOTATIONS: Pick<ServiceAnnotationsResponse, "routeChanges" | "breakerTransitions" | "breakerPriorStates"> = {
  routeChanges: [],
  breakerTransitions: [],
  breakerPriorStates: [],
};

/** What the charts count, in words. */
function describeSubject(filter: OperationFilter | null): string {
  if (filter === null) return "Requests the service served (its SERVER and CONSUMER spans)";
  const kind = filter.spanKind === null ? "every kind" : `${SPAN_KIND_LABELS[filter.spanKind].toLowerCase()} spans`;
  return `Operation ${filter.name} (${kind})`;
}

export function ServiceCharts({
  service,
  range,
  filter,
  refetchInterval,
  onClearFilter,
}: {
  service: string;
  range: TimeRange;
  filter: OperationFilter | null;
  refetchInterval: RefreshInterval;
  onClearFilter: () => void;
}) {
  const isHydrated = useIsHydrated();
  const series = useQuery({ ...serviceSeriesQueryOptions(service, range, filter), refetchInterval });
  const annotations = useQuery({ ...serviceAnnotationsQueryOptions(service, range), refetchInterval });

  const header = (
    <div className="mb-3 flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
      <p className="min-w-0 text-sm text-muted" data-testid="chart-subject">
        <span className="break-all">{describeSubject(filter)}</span>, per {formatBucket(series.data?.bucketMs)} over{" "}
        {describeTimeRange(range)}.{series.isPlaceholderData && <span className="ml-2 text-xs text-faint">Loading…</span>}
      </p>
      {filter !== null && (
        <button
          type="button"
          onClick={onClearFilter}
          className="rounded-md border border-line-strong bg-panel-raised px-2.5 py-1 text-xs font-medium text-ink hover:border-accent/60"
        >
          Show the whole service
        </button>
      )}
    </div>
  );

  if (series.isPending || !isHydrated) {
    return (
      <section aria-label="Charts" aria-busy="true">
        {header}
        <div role="status" aria-label="Loading charts" className="grid gap-4">
          <Skeleton className="h-[290px] w-full rounded-lg" />
          <div className="grid gap-4 md:grid-cols-2">
            <Skeleton className="h-[250px] w-full rounded-lg" />
            <Skeleton className="h-[250px] w-full rounded-lg" />
          </div>
        </div>
      </section>
    );
  }
  if (series.isError && series.data === undefined) {
    return (
      <section aria-label="Charts">
        {header}
        <Panel>
          <ErrorPanel
            title="Could not load the charts"
            message={series.error.message}
            onRetry={() => void series.refetch()}
            isRetrying={series.isFetching}
          />
        </Panel>
      </section>
    );
  }

  const data = series.data;
  const rows = toSeriesRows(data);
  const domainStartMs = rows[0]?.startMs ?? data.fromMs;
  const domainEndMs = data.toMs;
  const events = annotations.data ?? NO_ANNOTATIONS;
  const markers = placeAnnotations({
    routeChanges: events.routeChanges,
    breakerTransitions: events.breakerTransitions,
    domainStartMs,
    domainEndMs,
    minGapMs: annotationGapMs(domainStartMs, domainEndMs, data.bucketMs),
  });
  const spells = breakerSpells({
    breakerTransitions: events.breakerTransitions,
    breakerPriorStates: events.breakerPriorStates,
    domainStartMs,
    domainEndMs,
  });
  const isEmpty = data.buckets.length === 0;
  const chartProps: ServiceChartProps = {
    rows,
    domainStartMs,
    domainEndMs,
    markers,
    spells,
    syncId: `service-${service}`,
  };

  return (
    <section aria-label="Charts" aria-busy={series.isPlaceholderData}>
      {header}
      {series.isError && (
        <div className="mb-3 overflow-hidden rounded-lg border border-line">
          <StaleDataBanner message={series.error.message} onRetry={() => void series.refetch()} isRetrying={series.isFetching} />
        </div>
      )}
      <div className="grid gap-4">
        <ChartPanel id="latency-title" title="Latency" unit="ms" legend={<SeriesLegend series={LATENCY_SERIES} />}>
          <ChartLineLatency {...chartProps} emptyMessage={isEmpty ? `No requests in ${describeTimeRange(range)}` : undefined} />
        </ChartPanel>
        <div className="grid gap-4 md:grid-cols-2">
          <ChartPanel id="rate-title" title="Request rate" unit="req/s" legend={<SeriesLegend series={RATE_SERIES} />}>
            <ChartAreaRequestRate {...chartProps} />
          </ChartPanel>
          <ChartPanel id="errors-title" title="Error rate" unit="% of calls" legend={<SeriesLegend series={ERROR_SERIES} />}>
            <ChartLineErrorRate {...chartProps} emptyMessage={isEmpty ? "No requests, so no error rate" : undefined} />
          </ChartPanel>
        </div>
        <AnnotationsList
          markers={markers}
          spells={spells}
          range={range}
          isTruncated={annotations.data?.isTruncated ?? false}
          status={annotations.isPending ? "pending" : annotations.isError && annotations.data === undefined ? "error" : "ready"}
          errorMessage={annotations.error?.message}
          onRetry={() => void annotations.refetch()}
        />
      </div>
    </section>
  );
}

function formatBucket(bucketMs: number | undefined): string {
  if (bucketMs === undefined) return "bucket";
  const minutes = bucketMs / 60_000;
  if (minutes % 1_440 === 0) return minutes === 1_440 ? "day" : `${minutes / 1_440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "hour" : `${minutes / 60} hours`;
  return minutes === 1 ? "minute" : `${minutes} minutes`;
}

function ChartPanel({
  id,
  title,
  unit,
  legend,
  children,
}: {
  id: string;
  title: string;
  unit: string;
  legend: ReactNode;
  children: ReactNode;
}) {
  return (
    <Panel labelledBy={id}>
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 pt-3">
        <h2 id={id} className="text-sm font-semibold text-ink">
          {title} <span className="font-normal text-faint">({unit})</span>
        </h2>
        {legend}
      </div>
      <div className="px-1 pt-1 pb-2">{children}</div>
    </Panel>
  );
}
