"use client";

import { useQuery } from "@tanstack/react-query";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { Skeleton } from "@/components/ui/skeleton";
import { serviceInstancesQueryOptions } from "@/lib/query-client/service-detail-query";
import type { RefreshInterval } from "@/lib/ui/refresh-interval";
import type { TimeRange } from "@/lib/ui/time-range";
import { InstanceStatusLegend, InstancesTable } from "./instances-table";

export function InstancesPanel({
  service,
  range,
  refetchInterval,
}: {
  service: string;
  range: TimeRange;
  refetchInterval: RefreshInterval;
}) {
  const instances = useQuery({ ...serviceInstancesQueryOptions(service, range), refetchInterval });
  let body;
  if (instances.isPending) {
    body = (
      <div role="status" aria-label="Loading instances" className="space-y-3 px-4 py-4">
        {[0, 1].map((row) => (
          <Skeleton key={row} className="h-6 w-full" />
        ))}
      </div>
    );
  } else if (instances.isError && instances.data === undefined) {
    body = (
      <ErrorPanel
        title="Could not load the instances"
        message={instances.error.message}
        onRetry={() => void instances.refetch()}
        isRetrying={instances.isFetching}
      />
    );
  } else {
    const data = instances.data;
    body = (
      <>
        {instances.isError && (
          <StaleDataBanner
            message={instances.error.message}
            onRetry={() => void instances.refetch()}
            isRetrying={instances.isFetching}
          />
        )}
        {data.isTruncated && (
          <p className="border-b border-line px-4 py-2 text-xs text-warn">
            More status changes happened in this range than one request returns; the oldest are left out, so a strip may start in
            the wrong state. Pick a shorter range.
          </p>
        )}
        {data.instances.length === 0 ? (
          <p className="px-4 py-6 text-center text-sm text-muted" data-testid="instances-empty">
            No instance of {service} has sent a heartbeat. Instances register themselves with{" "}
            <code className="font-mono text-xs text-ink-soft">POST /api/v1/heartbeats</code> (the demo shop&apos;s services do).
          </p>
        ) : (
          <>
            <InstancesTable
              service={service}
              instances={data.instances}
              fromMs={Date.parse(data.from)}
              toMs={Date.parse(data.to)}
            />
            <div className="border-t border-line px-4 py-2.5">
              <InstanceStatusLegend />
            </div>
          </>
        )}
      </>
    );
  }
  return (
    <Panel labelledBy="instances-title">
      <PanelHeader id="instances-title" title="Instances">
        <p className="text-xs text-faint">From heartbeats; health history from the registry</p>
      </PanelHeader>
      <div aria-busy={instances.isPlaceholderData}>{body}</div>
    </Panel>
  );
}
