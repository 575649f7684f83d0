"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { EdgesPanel } from "@/components/service-detail/edges-panel";
import { InstancesPanel } from "@/components/service-detail/instances-panel";
import { OperationsPanel } from "@/components/service-detail/operations-panel";
import { ServiceCharts } from "@/components/service-detail/service-charts";
import { ServiceDetailSkeleton } from "@/components/service-detail/service-detail-skeleton";
import { UnknownService } from "@/components/service-detail/unknown-service";
import { TimeRangeSelect, TimeRangeSelectPlaceholder } from "@/components/shell/time-range-select";
import { ErrorPanel } from "@/components/ui/error-panel";
import { PageHeader } from "@/components/ui/page-header";
import { Panel } from "@/components/ui/panel";
import { RelativeTime } from "@/components/ui/relative-time";
import { ApiError } from "@/lib/query-client/fetch-json";
import { serviceSummaryQueryOptions } from "@/lib/query-client/service-detail-query";
import type { ServiceSummaryResponse } from "@/lib/query-client/service-detail-schemas";
import type { OperationFilter } from "@/lib/service-detail/service-detail-params";
import type { OperationSort } from "@/lib/service-detail/sort-operations";
import { formatCount } from "@/lib/ui/format-number";
import { serviceHref, servicesHref, tracesHref } from "@/lib/ui/page-links";
import { replaceSearchParams } from "@/lib/ui/replace-search-params";
import { useNow } from "@/lib/ui/use-now";
import { useRefreshInterval } from "@/lib/ui/use-refresh-interval";
import { parseServiceDetailView, serializeServiceDetailView } from "./search-params";

export function ServiceDetailClient({ name }: { name: string }) {
  const refetchInterval = useRefreshInterval();
  const view = parseServiceDetailView(useSearchParams());
  const summary = useQuery({ ...serviceSummaryQueryOptions(name, view.range), refetchInterval });
  // Links to other pages keep the range and the refresh setting.
  const linkedView = { range: view.range, refresh: refetchInterval };
  const tracesLink = (operation?: string) => tracesHref({ service: name, operation }, linkedView);
  const serviceLink = (service: string) => serviceHref(service, linkedView);
  const handleFilterChange = (filter: OperationFilter | null) => replaceSearchParams(serializeServiceDetailView({ filter }));
  const handleSortChange = (sort: OperationSort) => replaceSearchParams(serializeServiceDetailView({ sort }));

  const header = (
    <PageHeader
      title={name}
      description="Requests this service serves, how fast and how often they fail, its operations, callers and callees, and its instances."
      actions={
        <div className="flex items-center gap-3">
          {summary.data?.service.isVirtual !== true && (
            <Link
              href={tracesLink()}
              className="inline-flex h-8 items-center rounded-md border border-line-strong bg-panel-raised px-3 text-[13px] font-medium text-ink hover:border-accent/60"
            >
              Traces
            </Link>
          )}
          <Suspense fallback={<TimeRangeSelectPlaceholder />}>
            <TimeRangeSelect />
          </Suspense>
        </div>
      }
    />
  );
  const breadcrumb = (
    <nav aria-label="Breadcrumb" className="-mt-2 mb-2 text-xs text-muted">
      <Link href={servicesHref(linkedView)} className="rounded hover:text-accent">
        Services
      </Link>{" "}
      <span aria-hidden="true">/</span>
    </nav>
  );

  let body;
  if (summary.isPending) {
    body = <ServiceDetailSkeleton withHeader={false} />;
  } else if (summary.isError && summary.data === undefined) {
    body =
      summary.error instanceof ApiError && summary.error.status === 404 ? (
        <UnknownService name={name} servicesHref="/services" />
      ) : (
        <Panel>
          <ErrorPanel
            title="Could not load this service"
            message={summary.error.message}
            onRetry={() => void summary.refetch()}
            isRetrying={summary.isFetching}
          />
        </Panel>
      );
  } else {
    const isVirtual = summary.data.service.isVirtual;
    body = (
      <div className="flex flex-col gap-6">
        <ServiceFacts summary={summary.data} updatedAtMs={summary.dataUpdatedAt} />
        {view.errors.length > 0 && (
          <div role="alert" className="rounded-lg border border-warn/30 bg-warn/5 px-4 py-2 text-sm text-ink-soft">
            Ignored from the URL: {view.errors.map((e) => `${e.param}: ${e.message}`).join("; ")}
          </div>
        )}
        {isVirtual ? (
          <Panel className="px-4 py-3 text-sm text-ink-soft">
            <p data-testid="virtual-service">
              <span className="font-semibold text-ink">{name}</span> is not instrumented: Breakwater knows it only from the client
              spans of the services that call it (a database, a message broker or an external host). Its callers and what they
              measured are below.
            </p>
          </Panel>
        ) : (
          <ServiceCharts
            service={name}
            range={view.range}
            filter={view.filter}
            refetchInterval={refetchInterval}
            onClearFilter={() => handleFilterChange(null)}
          />
        )}
        {!isVirtual && (
          <OperationsPanel
            service={name}
            range={view.range}
            filter={view.filter}
            sort={view.sort}
            refetchInterval={refetchInterval}
            onSortChange={handleSortChange}
            onSelect={handleFilterChange}
            tracesHref={tracesLink}
          />
        )}
        <EdgesPanel
          service={name}
          isServiceVirtual={isVirtual}
          range={view.range}
          refetchInterval={refetchInterval}
          peerHref={serviceLink}
        />
        {!isVirtual && <InstancesPanel service={name} range={view.range} refetchInterval={refetchInterval} />}
      </div>
    );
  }

  return (
    <>
      {breadcrumb}
      {header}
      {body}
    </>
  );
}

/** One line of what the catalogue and the registry know: when it was seen, how many spans and instances. */
function ServiceFacts({ summary, updatedAtMs }: { summary: ServiceSummaryResponse; updatedAtMs: number }) {
  const nowMs = useNow(updatedAtMs);
  const { service } = summary;
  return (
    <dl className="-mt-3 flex flex-wrap gap-x-6 gap-y-1 text-xs text-muted" data-testid="service-facts">
      {service.lastSeen !== null && (
        <div className="flex gap-1.5">
          <dt>Last span</dt>
          <dd className="text-ink-soft">
            <RelativeTime iso={service.lastSeen} nowMs={nowMs} />
          </dd>
        </div>
      )}
      {service.firstSeen !== null && (
        <div className="flex gap-1.5">
          <dt>First seen</dt>
          <dd className="text-ink-soft">
            <RelativeTime iso={service.firstSeen} nowMs={nowMs} />
          </dd>
        </div>
      )}
      {!service.isVirtual && (
        <div className="flex gap-1.5">
          <dt>Spans received</dt>
          <dd className="text-ink-soft tabular-nums">{formatCount(service.spanCount)}</dd>
        </div>
      )}
      <div className="flex gap-1.5">
        <dt>Instances registered</dt>
        <dd className="text-ink-soft tabular-nums">{formatCount(service.instanceCount)}</dd>
      </div>
    </dl>
  );
}
