"use client";

import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { ServicesList, ServicesListSkeleton } from "@/components/service-detail/services-list";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { servicesQueryOptions } from "@/lib/query-client/services-query";
import { formatCount } from "@/lib/ui/format-number";
import { REFRESH_PARAM } from "@/lib/ui/refresh-interval";
import { appendTimeRange, parseTimeRange } from "@/lib/ui/time-range";
import { useNow } from "@/lib/ui/use-now";
import { useRefreshInterval } from "@/lib/ui/use-refresh-interval";

export function ServicesClient() {
  const params = useSearchParams();
  const refetchInterval = useRefreshInterval();
  const services = useQuery({ ...servicesQueryOptions(), refetchInterval });
  const nowMs = useNow(services.dataUpdatedAt);

  // Each link keeps the range and the refresh setting.
  const linkParams = appendTimeRange(new URLSearchParams(), parseTimeRange(params).range);
  const refresh = params.get(REFRESH_PARAM);
  if (refresh !== null) linkParams.set(REFRESH_PARAM, refresh);
  const serviceHref = (name: string) => `/services/${encodeURIComponent(name)}${linkParams.size === 0 ? "" : `?${linkParams}`}`;

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
          No service has sent spans yet. Point an OpenTelemetry SDK at Breakwater (the Overview shows how) and its services appear
          here.
        </p>
      ) : (
        <ServicesList services={list} nowMs={nowMs} serviceHref={serviceHref} />
      )}
    </Panel>
  );
}
