"use client";

import { useQuery } from "@tanstack/react-query";
import { ReactFlowProvider } from "@xyflow/react";
import { useSearchParams } from "next/navigation";
import { useMemo, useRef, useState } from "react";
import { ExportMenu } from "@/components/topology/export-menu";
import { TopologyEmpty } from "@/components/topology/topology-empty";
import { TopologyGraph } from "@/components/topology/topology-graph";
import { TopologyLegend } from "@/components/topology/topology-legend";
import { TopologySidePanel } from "@/components/topology/topology-side-panel";
import { TopologySkeleton } from "@/components/topology/topology-skeleton";
import { FocusControl, NodeSearch } from "@/components/topology/topology-toolbar";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel } from "@/components/ui/panel";
import { RelativeTime } from "@/components/ui/relative-time";
import { topologyQueryOptions } from "@/lib/query-client/topology-query";
import type { TopologyResponse } from "@/lib/query-client/topology-schemas";
import { buildFlowElements, type TopologySelection } from "@/lib/topology/build-flow-elements";
import { buildGraphExport } from "@/lib/topology/export-graph";
import { focusGraph } from "@/lib/topology/focus-graph";
import { layoutGraph, layoutKey, parseLayoutKey } from "@/lib/topology/layout-graph";
import { nextMatch, searchNodes } from "@/lib/topology/search-nodes";
import type { RefreshInterval } from "@/lib/ui/refresh-interval";
import { replaceSearchParams } from "@/lib/ui/replace-search-params";
import { describeTimeRange, parseTimeRange, type TimeRange, timeRangeQuery } from "@/lib/ui/time-range";
import { useNow } from "@/lib/ui/use-now";
import { useRefreshInterval } from "@/lib/ui/use-refresh-interval";
import { parseTopologyView, serializeTopologyView, type TopologyView } from "./search-params";

function handleViewChange(change: Partial<TopologyView>) {
  replaceSearchParams(serializeTopologyView(change));
}

export function TopologyClient() {
  const params = useSearchParams();
  const refetchInterval = useRefreshInterval();
  const { range, error: rangeError } = parseTimeRange(params);
  const view = parseTopologyView(params);
  const topology = useQuery({ ...topologyQueryOptions(timeRangeQuery(range)), refetchInterval });

  const rangeNotice = rangeError !== null && (
    <div role="alert" className="mb-3 rounded-lg border border-warn/30 bg-warn/5 px-4 py-2 text-sm text-ink-soft">
      Ignored from the URL: {rangeError.param}: {rangeError.message}. Showing {describeTimeRange(range)}.
    </div>
  );

  if (topology.isPending) return <TopologySkeleton />;
  if (topology.isError && topology.data === undefined) {
    return (
      <>
        {rangeNotice}
        <Panel>
          <ErrorPanel
            title="Could not load the service graph"
            message={topology.error.message}
            onRetry={() => void topology.refetch()}
            isRetrying={topology.isFetching}
          />
        </Panel>
      </>
    );
  }
  if (topology.data.nodes.length === 0) {
    return (
      <>
        {rangeNotice}
        <TopologyEmpty rangeDescription={describeTimeRange(range)} isLive={refetchInterval !== false} />
      </>
    );
  }
  return (
    <ReactFlowProvider>
      {rangeNotice}
      <TopologyView
        data={topology.data}
        view={view}
        range={range}
        refetchInterval={refetchInterval}
        updatedAt={topology.dataUpdatedAt}
        isLoadingRange={topology.isPlaceholderData}
        refreshError={topology.isError ? topology.error.message : null}
        onRetry={() => void topology.refetch()}
        isRetrying={topology.isFetching}
      />
    </ReactFlowProvider>
  );
}

function TopologyView({
  data,
  view,
  range,
  refetchInterval,
  updatedAt,
  isLoadingRange,
  refreshError,
  onRetry,
  isRetrying,
}: {
  data: TopologyResponse;
  view: TopologyView;
  range: TimeRange;
  refetchInterval: RefreshInterval;
  updatedAt: number;
  isLoadingRange: boolean;
  refreshError: string | null;
  onRetry: () => void;
  isRetrying: boolean;
}) {
  const nowMs = useNow(updatedAt);
  const [search, setSearch] = useState("");
  const [centerOn, setCenterOn] = useState<{ id: string; seq: number } | null>(null);
  const graphContainer = useRef<HTMLDivElement>(null);

  const focused = useMemo(() => focusGraph(data.nodes, data.edges, view.focus, view.hops), [data, view.focus, view.hops]);
  // The layout follows the graph's shape only: a refresh with new numbers keeps every position.
  const shape = layoutKey(
    focused.nodes.map((node) => node.id),
    focused.edges,
  );
  const layout = useMemo(() => {
    const { nodeIds, edges } = parseLayoutKey(shape);
    return layoutGraph(nodeIds, edges);
  }, [shape]);
  const matches = useMemo(() => searchNodes(focused.nodes, search), [focused.nodes, search]);
  const isSearching = search.trim() !== "";
  const flow = useMemo(
    () =>
      buildFlowElements(focused, layout, {
        selection: view.selection,
        matches: new Set(matches),
        isSearching,
        focusId: view.focus,
      }),
    [focused, layout, view.selection, matches, isSearching, view.focus],
  );

  function handleSelect(selection: TopologySelection | null) {
    handleViewChange({ selection });
  }

  function handleFocus(change: { focus?: string | null; hops?: number }) {
    handleViewChange(change);
  }

  function handleSearchStep(step: 1 | -1) {
    const current = view.selection?.kind === "node" ? view.selection.id : null;
    const next = nextMatch(matches, current, step);
    if (next === null) return;
    handleSelect({ kind: "node", id: next });
    setCenterOn((previous) => ({ id: next, seq: (previous?.seq ?? 0) + 1 }));
  }

  const focusNote =
    view.focus !== null && !focused.isFocusFound
      ? `${view.focus} has no calls in ${describeTimeRange(range)}; showing the whole graph.`
      : null;

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-x-5 gap-y-2">
        <FocusControl nodeIds={data.nodes.map((node) => node.id)} focus={view.focus} hops={view.hops} onChange={handleFocus} />
        <NodeSearch query={search} matchCount={matches.length} onQueryChange={setSearch} onStep={handleSearchStep} />
        <div className="ml-auto flex items-center gap-3">
          <p className="text-xs text-faint" aria-live="off">
            {isLoadingRange ? (
              "Loading…"
            ) : (
              <>
                {focused.nodes.length === data.nodes.length
                  ? data.nodes.length
                  : `${focused.nodes.length} of ${data.nodes.length}`}{" "}
                nodes · updated <RelativeTime iso={new Date(updatedAt).toISOString()} nowMs={nowMs} />
              </>
            )}
          </p>
          <ExportMenu
            container={() => graphContainer.current}
            buildJson={() =>
              buildGraphExport(
                { fromMs: data.fromMs, toMs: data.toMs, nodes: focused.nodes, edges: focused.edges },
                view.focus !== null && focused.isFocusFound ? { node: view.focus, hops: view.hops } : null,
              )
            }
          />
        </div>
      </div>
      {refreshError !== null && (
        <div className="overflow-hidden rounded-lg border border-line">
          <StaleDataBanner message={refreshError} onRetry={onRetry} isRetrying={isRetrying} />
        </div>
      )}
      {focusNote !== null && (
        <p className="text-xs text-warn" role="status">
          {focusNote}
        </p>
      )}
      <div className="flex h-[calc(100vh-17rem)] min-h-[440px] gap-3">
        <div
          ref={graphContainer}
          className="relative min-w-0 flex-1 overflow-hidden rounded-lg border border-line bg-canvas"
          aria-busy={isLoadingRange}
          data-testid="topology-graph"
        >
          <TopologyGraph nodes={flow.nodes} edges={flow.edges} layoutKey={shape} onSelect={handleSelect} centerOn={centerOn} />
        </div>
        {view.selection !== null && (
          <TopologySidePanel
            selection={view.selection}
            nodes={data.nodes}
            edges={data.edges}
            range={range}
            refetchInterval={refetchInterval}
            onSelect={handleSelect}
            onFocus={(node) => handleFocus({ focus: node })}
          />
        )}
      </div>
      <TopologyLegend />
    </div>
  );
}
