"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useId, useState } from "react";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { Skeleton } from "@/components/ui/skeleton";
import { ApiError } from "@/lib/query-client/fetch-json";
import { putRouteWeights } from "@/lib/query-client/put-route-weights";
import { routeDetailQueryOptions, trafficQueryKeys, type TrafficRange } from "@/lib/query-client/traffic-query";
import { describeApply, PENDING_POLL_MS } from "@/lib/traffic/apply-status";
import type { UpdateRouteWeights } from "@/lib/traffic/contract";
import type { RefreshInterval } from "@/lib/ui/refresh-interval";
import { ApplyStatus } from "./apply-status";
import { ObservedSplit } from "./observed-split";
import { RouteHistory } from "./route-history";
import { SplitPanel } from "./split-panel";
import { VersionRedTable } from "./version-red-table";
import { WeightsEditor } from "./weights-editor";

/** After a save, the apply status is watched closely for this long even if it looks settled. */
const WATCH_AFTER_SAVE_MS = 30_000;

/**
 * One route: its weights editor beside the apply status and the observed split now, then the
 * split over time, RED per version and the history. Saves (the editor's and the history's
 * reverts) go through one mutation that refreshes every query of the route.
 */
export function RouteWorkspace({
  routeId,
  range,
  rangeLabel,
  refetchInterval,
  canEdit,
  disabledNotice,
  signInHref,
}: {
  routeId: string;
  range: TrafficRange;
  rangeLabel: string;
  refetchInterval: RefreshInterval;
  canEdit: boolean;
  disabledNotice: ReactNode;
  signInHref: string;
}) {
  const titleId = useId();
  const queryClient = useQueryClient();
  // The version this page saved and when: the apply status counts from it (ephemeral UI state).
  const [saved, setSaved] = useState<{ version: number; atMs: number } | null>(null);
  const detail = useQuery({
    ...routeDetailQueryOptions(routeId),
    // Poll fast while a change is on its way to the gateways, even when the page is paused:
    // the user just saved and is waiting for the answer.
    refetchInterval: (query) => {
      const data = query.state.data;
      const isWatching = saved !== null && Date.now() - saved.atMs < WATCH_AFTER_SAVE_MS;
      if (data !== undefined) {
        const view = describeApply({ status: data.status, gateways: data.gateways, saved, nowMs: Date.now() });
        if (view.kind === "pending" || (isWatching && view.kind !== "applied")) return PENDING_POLL_MS;
      }
      return refetchInterval;
    },
  });
  const save = useMutation({
    mutationFn: (body: UpdateRouteWeights) => putRouteWeights(routeId, body),
    onSuccess: (outcome) => {
      if (outcome.kind === "saved") setSaved({ version: outcome.result.route.version, atMs: Date.now() });
      // A conflict means the route moved too: refresh either way.
      if (outcome.kind === "saved" || outcome.kind === "conflict") {
        void queryClient.invalidateQueries({ queryKey: trafficQueryKeys.route(routeId) });
        void queryClient.invalidateQueries({ queryKey: trafficQueryKeys.routes() });
      }
    },
  });
  const handleSubmit = (body: UpdateRouteWeights) => save.mutateAsync(body);

  if (detail.isPending) {
    return (
      <div role="status" aria-label={`Loading route ${routeId}`} className="flex flex-col gap-4">
        <Skeleton className="h-[360px] w-full rounded-lg" />
        <Skeleton className="h-[300px] w-full rounded-lg" />
      </div>
    );
  }
  if (detail.isError && detail.data === undefined) {
    const isUnknown = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <Panel>
        <ErrorPanel
          title={isUnknown ? `No route "${routeId}"` : `Could not load route ${routeId}`}
          message={isUnknown ? "No gateway declared a route by that id. Choose one of the routes above." : detail.error.message}
          onRetry={() => void detail.refetch()}
          isRetrying={detail.isFetching}
        />
      </Panel>
    );
  }

  const data = detail.data;
  return (
    <div className="flex flex-col gap-6" data-testid="route-workspace" data-route-id={routeId}>
      <Panel labelledBy={titleId}>
        <PanelHeader id={titleId} title={`Route ${data.route.id} → service ${data.route.service}`}>
          <p className="text-xs text-muted">Weights are percent of the route&apos;s requests, per version.</p>
        </PanelHeader>
        {detail.isError && (
          <StaleDataBanner message={detail.error.message} onRetry={() => void detail.refetch()} isRetrying={detail.isFetching} />
        )}
        <div className="grid gap-6 p-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
          <WeightsEditor
            key={data.route.id}
            route={data.route}
            canEdit={canEdit}
            disabledNotice={disabledNotice}
            signInHref={signInHref}
            onSubmit={handleSubmit}
          />
          <div className="flex min-w-0 flex-col gap-4">
            <ApplyStatus detail={data} saved={saved} updatedAtMs={detail.dataUpdatedAt} />
            <section aria-label="Observed split now">
              <h3 className="mb-1 text-xs font-medium tracking-wide text-faint uppercase">Observed split now</h3>
              <ObservedSplit detail={data} />
            </section>
          </div>
        </div>
      </Panel>
      <SplitPanel routeId={routeId} range={range} rangeLabel={rangeLabel} refetchInterval={refetchInterval} />
      <VersionRedTable
        routeId={routeId}
        versionOrder={data.route.backends.map((b) => b.version)}
        range={range}
        rangeLabel={rangeLabel}
        refetchInterval={refetchInterval}
      />
      <RouteHistory route={data.route} canEdit={canEdit} refetchInterval={refetchInterval} onSubmit={handleSubmit} />
    </div>
  );
}
