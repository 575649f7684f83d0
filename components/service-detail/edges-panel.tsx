"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { Skeleton } from "@/components/ui/skeleton";
import { serviceEdgesQueryOptions } from "@/lib/query-client/service-detail-query";
import type { ServiceEdgeDto } from "@/lib/query-client/service-detail-schemas";
import type { RefreshInterval } from "@/lib/ui/refresh-interval";
import { describeTimeRange, type TimeRange } from "@/lib/ui/time-range";
import { EdgesTable } from "./edges-table";

/** Callers and callees side by side (stacked when narrow), each with its own empty state. */
export function EdgesPanel({
  service,
  isServiceVirtual,
  range,
  refetchInterval,
  peerHref,
}: {
  service: string;
  isServiceVirtual: boolean;
  range: TimeRange;
  refetchInterval: RefreshInterval;
  peerHref: (peer: string) => string;
}) {
  const edges = useQuery({ ...serviceEdgesQueryOptions(service, range), refetchInterval });
  if (edges.isPending) {
    return (
      <div role="status" aria-label="Loading callers and callees" className="grid gap-4">
        <Skeleton className="h-40 w-full rounded-lg" />
        <Skeleton className="h-40 w-full rounded-lg" />
      </div>
    );
  }
  if (edges.isError && edges.data === undefined) {
    return (
      <Panel>
        <ErrorPanel
          title="Could not load callers and callees"
          message={edges.error.message}
          onRetry={() => void edges.refetch()}
          isRetrying={edges.isFetching}
        />
      </Panel>
    );
  }
  const stale = edges.isError ? (
    <StaleDataBanner message={edges.error.message} onRetry={() => void edges.refetch()} isRetrying={edges.isFetching} />
  ) : null;
  return (
    <div className="grid gap-4" aria-busy={edges.isPlaceholderData}>
      <EdgeSide
        id="upstream-title"
        title="Callers (upstream)"
        edges={edges.data.upstream}
        direction="upstream"
        empty={`No service called ${service} in ${describeTimeRange(range)}.`}
        isServiceVirtual={isServiceVirtual}
        peerHref={peerHref}
        stale={stale}
      />
      <EdgeSide
        id="downstream-title"
        title="Callees (downstream)"
        edges={edges.data.downstream}
        direction="downstream"
        empty={`${service} called nothing in ${describeTimeRange(range)}.`}
        isServiceVirtual={isServiceVirtual}
        peerHref={peerHref}
        stale={stale}
      />
    </div>
  );
}

function EdgeSide({
  id,
  title,
  edges,
  direction,
  empty,
  isServiceVirtual,
  peerHref,
  stale,
}: {
  id: string;
  title: string;
  edges: ServiceEdgeDto[];
  direction: "upstream" | "downstream";
  empty: string;
  isServiceVirtual: boolean;
  peerHref: (peer: string) => string;
  stale: ReactNode;
}) {
  return (
    <Panel labelledBy={id}>
      <PanelHeader id={id} title={title}>
        <p className="text-xs text-faint">As the calling side measured them</p>
      </PanelHeader>
      {stale}
      {edges.length === 0 ? (
        <p className="px-4 py-6 text-center text-sm text-muted" data-testid={`edges-${direction}-empty`}>
          {empty}
        </p>
      ) : (
        <EdgesTable edges={edges} direction={direction} isServiceVirtual={isServiceVirtual} peerHref={peerHref} />
      )}
    </Panel>
  );
}
