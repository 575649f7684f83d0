"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { ServicesSummaryStats } from "@/components/overview/services-summary";
import { ServicesTable } from "@/components/overview/services-table";
import { OverviewSkeleton } from "@/components/overview/overview-skeleton";
import { SetupGuide } from "@/components/overview/setup-guide";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { RelativeTime } from "@/components/ui/relative-time";
import { summarizeOverview } from "@/lib/overview/summarize-overview";
import { overviewQueryOptions } from "@/lib/query-client/overview-query";
import { serverInfoQueryOptions } from "@/lib/query-client/server-info-query";
import { breakersHref, serviceHref } from "@/lib/ui/page-links";
import { replaceSearchParams } from "@/lib/ui/replace-search-params";
import type { ServiceSort } from "@/lib/ui/sort-services";
import { describeTimeRange, parseTimeRange, timeRangeQuery } from "@/lib/ui/time-range";
import { useNow } from "@/lib/ui/use-now";
import { useRefreshInterval } from "@/lib/ui/use-refresh-interval";
import { parseServiceSort, serializeServiceSort } from "./search-params";

const MINUTE_MS = 60_000;

function describeBucket(bucketMs: number): string {
  const minutes = bucketMs / MINUTE_MS;
  return minutes < 60 ? `${minutes} min` : minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

export function OverviewClient() {
  const params = useSearchParams();
  const refetchInterval = useRefreshInterval();
  const { range, error: rangeError } = parseTimeRange(params);
  const overview = useQuery({
    ...overviewQueryOptions(timeRangeQuery(range)),
    refetchInterval,
    // A new range keeps the previous table on screen until its numbers arrive.
    placeholderData: keepPreviousData,
  });
  const sort = parseServiceSort(params);
  // Server render and hydration use the data's timestamp as "now"; the live clock takes over after.
  const nowMs = useNow(overview.dataUpdatedAt);

  function handleSortChange(next: ServiceSort) {
    replaceSearchParams(serializeServiceSort(next));
  }
  // Links keep the range and the refresh setting.
  const linkedView = { range, refresh: refetchInterval };
  const serviceLink = (name: string) => serviceHref(name, linkedView);
  const breakersLink = (name: string) => breakersHref(name, linkedView);
  const handleRetry = () => void overview.refetch();

  const rangeNotice = rangeError !== null && (
    <div role="alert" className="mb-4 rounded-lg border border-warn/30 bg-warn/5 px-4 py-2 text-sm text-ink-soft">
      Ignored from the URL: {rangeError.param}: {rangeError.message}. Showing {describeTimeRange(range)}.
    </div>
  );

  if (overview.isPending) return <OverviewSkeleton />;
  if (overview.isError && overview.data === undefined) {
    return (
      <>
        {rangeNotice}
        <Panel>
          <ErrorPanel
            title="Could not load the overview"
            message={overview.error.message}
            onRetry={handleRetry}
            isRetrying={overview.isFetching}
          />
        </Panel>
      </>
    );
  }

  const { services, bucketMs } = overview.data;
  // Until the first span arrives the setup guide leads; services that only send heartbeats
  // are listed under it.
  const hasSpans = services.some((service) => service.spanCount !== null);
  const setupGuide = !hasSpans && <EmptyOverview isLive={refetchInterval !== false} />;
  if (services.length === 0) return setupGuide;

  const summary = summarizeOverview(services);
  const windowLabel = describeTimeRange(range);
  return (
    <>
      {rangeNotice}
      {setupGuide && <div className="mb-4">{setupGuide}</div>}
      <ServicesSummaryStats summary={summary} windowLabel={windowLabel} />
      <Panel labelledBy="services-title">
        <PanelHeader id="services-title" title="Services">
          <p className="flex items-center gap-3 text-xs text-faint" aria-live="off">
            {overview.isPlaceholderData && <span className="text-muted">Loading the new range…</span>}
            <span>
              Rates over {windowLabel}, trend in {describeBucket(bucketMs)} buckets
            </span>
            <span aria-hidden="true">·</span>
            <span>
              Updated <RelativeTime iso={new Date(overview.dataUpdatedAt).toISOString()} nowMs={nowMs} />
            </span>
          </p>
        </PanelHeader>
        {overview.isError && (
          <StaleDataBanner message={overview.error.message} onRetry={handleRetry} isRetrying={overview.isFetching} />
        )}
        {summary.activeCount === 0 && hasSpans && (
          <p className="border-b border-line px-4 py-2 text-sm text-muted" data-testid="no-requests-note">
            No requests in {windowLabel}. Services are listed from their earlier spans and their heartbeats; pick a longer time
            range to see older traffic.
          </p>
        )}
        <ServicesTable
          services={services}
          sort={sort}
          onSortChange={handleSortChange}
          nowMs={nowMs}
          bucketMs={bucketMs}
          serviceHref={serviceLink}
          breakersHref={breakersLink}
        />
        <p className="border-t border-line px-4 py-2 text-xs text-faint">
          Requests are the spans a service served (SERVER and CONSUMER); a service that serves none in the range is measured by
          the calls it made (CLIENT and PRODUCER spans), else by its INTERNAL spans, and is tagged so. Percentiles come from
          per-minute histograms (within 2 %).
        </p>
      </Panel>
    </>
  );
}

function EmptyOverview({ isLive }: { isLive: boolean }) {
  const info = useQuery(serverInfoQueryOptions());
  if (info.isPending) return <OverviewSkeleton />;
  if (info.isError) {
    return (
      <Panel>
        <ErrorPanel
          title="No spans received yet, and the server's endpoints could not be loaded"
          message={info.error.message}
          onRetry={() => void info.refetch()}
          isRetrying={info.isFetching}
        />
      </Panel>
    );
  }
  return <SetupGuide info={info.data} isLive={isLive} />;
}
