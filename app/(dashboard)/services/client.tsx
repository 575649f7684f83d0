"use client";

import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { ServicesList, ServicesListSkeleton } from "@/components/service-detail/services-list";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { serviceDirectoryQueryOptions } from "@/lib/query-client/services-query";
import { formatCount } from "@/lib/ui/format-number";
import { serviceHref } from "@/lib/ui/page-links";
import { parseTimeRange } from "@/lib/ui/time-range";
import { useNow } from "@/lib/ui/use-now";
import { useRefreshInterval } from "@/lib/ui/use-refresh-interval";

export function ServicesClient() {
  const params = useSearchParams();
  const refetchInterval = useRefreshInterval();
  const services = useQuery({ ...serviceDirectoryQueryOptions(), refetchInterval });
  const nowMs = useNow(services.dataUpdatedAt);

  // Each link keeps the range and the refresh setting.
  const view = { range: parseTimeRange(params).range, refresh: refetchInterval };
  const hrefOf = (name: string) => serviceHref(name, view);

  if (services.isPending) return <ServicesListSkeleton />;
  if (services.isError && services.data === undefined) {
    return (
      <Panel>
        <ErrorPanel
          title="Could not load services"
          message={services.error.message}
          onRetry={() => void services.refetch()}
          isRetrying={services.isFetching}
        />
      </Panel>
    );
  }
  const list = services.data.services;
  return (
    <Panel labelledBy="services-title">
      <PanelHeader id="services-title" title="Services">
        <p className="text-xs text-faint">{formatCount(list.length)}</p>
      </PanelHeader>
      {services.isError && (
        <StaleDataBanner
          message={services.error.message}
          onRetry={() => void services.refetch()}
          isRetrying={services.isFetching}
        />
      )}
      {list.length === 0 ? (
        <p className="px-4 py-10 text-center text-sm text-muted" data-testid="services-empty">
          No service has sent spans or heartbeats yet. Point an OpenTelemetry SDK at Breakwater (the Overview shows how) and its
          services appear here.
        </p>
      ) : (
        <ServicesList services={list} nowMs={nowMs} serviceHref={hrefOf} />
      )}
    </Panel>
  );
}
