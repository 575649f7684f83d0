"use client";

import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { ServicesSummaryStats } from "@/components/overview/services-summary";
import { ServicesTable } from "@/components/overview/services-table";
import { OverviewSkeleton } from "@/components/overview/overview-skeleton";
import { SetupGuide } from "@/components/overview/setup-guide";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { RelativeTime } from "@/components/ui/relative-time";
import { serverInfoQueryOptions } from "@/lib/query-client/server-info-query";
import { servicesQueryOptions } from "@/lib/query-client/services-query";
import { summarizeServices } from "@/lib/ui/service-activity";
import type { ServiceSort } from "@/lib/ui/sort-services";
import { replaceSearchParams } from "@/lib/ui/replace-search-params";
import { useNow } from "@/lib/ui/use-now";
import { useRefreshInterval } from "@/lib/ui/use-refresh-interval";
import { parseServiceSort, serializeServiceSort } from "./search-params";

export function OverviewClient() {
  const refetchInterval = useRefreshInterval();
  const services = useQuery({ ...servicesQueryOptions(), refetchInterval });
  const sort = parseServiceSort(useSearchParams());
  // Server render and hydration use the data's timestamp as "now"; the live clock takes over after.
  const nowMs = useNow(services.dataUpdatedAt);

  function handleSortChange(next: ServiceSort) {
    replaceSearchParams(serializeServiceSort(next));
  }

  const handleRetry = () => void services.refetch();

  if (services.isPending) return <OverviewSkeleton />;
  if (services.isError && services.data === undefined) {
    return (
      <Panel>
        <ErrorPanel
          title="Could not load services"
          message={services.error.message}
          onRetry={handleRetry}
          isRetrying={services.isFetching}
        />
      </Panel>
    );
  }

  const list = services.data.services;
  if (list.length === 0) return <EmptyOverview isLive={refetchInterval !== false} />;

  return (
    <>
      <ServicesSummaryStats summary={summarizeServices(list, nowMs)} />
      <Panel labelledBy="services-title">
        <PanelHeader id="services-title" title="Services">
          <p className="text-xs text-faint" aria-live="off">
            Updated <RelativeTime iso={new Date(services.dataUpdatedAt).toISOString()} nowMs={nowMs} />
          </p>
        </PanelHeader>
        {services.isError && (
          <StaleDataBanner message={services.error.message} onRetry={handleRetry} isRetrying={services.isFetching} />
        )}
        <ServicesTable services={list} sort={sort} onSortChange={handleSortChange} nowMs={nowMs} />
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
