"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { SpanDetailPanel } from "@/components/traces/span-detail-panel";
import { TraceDetailSkeleton } from "@/components/traces/trace-detail-skeleton";
import { TraceWaterfall } from "@/components/traces/trace-waterfall";
import { CopyButton } from "@/components/ui/copy-button";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel } from "@/components/ui/panel";
import { ApiError } from "@/lib/query-client/fetch-json";
import { traceDetailQueryOptions } from "@/lib/query-client/traces-query";
import type { TraceSpanDto } from "@/lib/query-client/traces-schemas";
import { assignServiceColors } from "@/lib/traces/assign-service-colors";
import { buildSpanTree, listVisibleNodes } from "@/lib/traces/build-span-tree";
import { findCriticalPath } from "@/lib/traces/find-critical-path";
import { formatDurationUs } from "@/lib/traces/format-duration";
import { formatCount } from "@/lib/ui/format-number";
import { formatTimestamp } from "@/lib/ui/format-time";
import { REFRESH_PARAM } from "@/lib/ui/refresh-interval";
import { replaceSearchParams } from "@/lib/ui/replace-search-params";
import { withSearchParam } from "@/lib/ui/search-params";
import { useIsHydrated } from "@/lib/ui/use-now";
import { useRefreshInterval } from "@/lib/ui/use-refresh-interval";

const SPAN_PARAM = "span";

export function TraceDetailClient({ traceId }: { traceId: string }) {
  const params = useSearchParams();
  const refetchInterval = useRefreshInterval();
  const trace = useQuery({
    ...traceDetailQueryOptions(traceId),
    refetchInterval,
    // A trace that does not exist will not start existing by polling for it every 2 s.
    retry: (count, error) => !(error instanceof ApiError && (error.status === 404 || error.status === 400)) && count < 1,
  });
  const backHref = `/traces${withSearchParam("", REFRESH_PARAM, params.get(REFRESH_PARAM))}`;

  if (trace.isPending) return <TraceDetailSkeleton />;
  if (trace.isError && trace.data === undefined) {
    const isMissing = trace.error instanceof ApiError && (trace.error.status === 404 || trace.error.status === 400);
    return (
      <>
        <TraceTitle traceId={traceId} backHref={backHref} />
        <Panel>
          <ErrorPanel
            title={isMissing ? "Trace not found" : "Could not load the trace"}
            message={
              isMissing
                ? `No span of trace ${traceId} is stored. It may be older than the retention window, or not sent yet.`
                : trace.error.message
            }
            onRetry={() => void trace.refetch()}
            isRetrying={trace.isFetching}
          />
        </Panel>
      </>
    );
  }
  return (
    <>
      <TraceTitle traceId={traceId} backHref={backHref} />
      {trace.isError && (
        <div className="mb-3 overflow-hidden rounded-lg border border-line">
          <StaleDataBanner message={trace.error.message} onRetry={() => void trace.refetch()} isRetrying={trace.isFetching} />
        </div>
      )}
      <TraceView spans={trace.data.spans} selectedSpanId={params.get(SPAN_PARAM) ?? undefined} />
    </>
  );
}

function TraceTitle({ traceId, backHref }: { traceId: string; backHref: string }) {
  return (
    <div className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1">
      <Link href={backHref} className="text-sm text-muted hover:text-ink">
        ← Traces
      </Link>
      <h1 className="text-xl font-semibold tracking-tight text-ink">Trace</h1>
      <span className="font-mono text-sm text-ink-soft" data-testid="trace-id">
        {traceId}
      </span>
      <CopyButton text={traceId} label="trace id" />
    </div>
  );
}

function TraceView({ spans, selectedSpanId }: { spans: TraceSpanDto[]; selectedSpanId: string | undefined }) {
  const isHydrated = useIsHydrated();
  // Derived from the query data; recomputed only when a refetch brings different spans.
  const tree = useMemo(() => buildSpanTree(spans), [spans]);
  const criticalPath = useMemo(() => findCriticalPath(tree), [tree]);
  const colors = useMemo(() => assignServiceColors(spans.map((s) => s.serviceName)), [spans]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [focusedPosition, setFocusedPosition] = useState(0);
  const [isCriticalPathShown, setIsCriticalPathShown] = useState(true);
  const visible = useMemo(() => listVisibleNodes(tree, collapsed), [tree, collapsed]);

  const root = tree.nodes[tree.roots[0]];
  const errorCount = spans.reduce((n, s) => n + (s.statusCode === 2 ? 1 : 0), 0);
  const spanCountByService = new Map<string, number>();
  for (const s of spans) spanCountByService.set(s.serviceName, (spanCountByService.get(s.serviceName) ?? 0) + 1);
  const maxDepth = tree.nodes.reduce((d, n) => Math.max(d, n.depth), 0);
  const selectedNode = selectedSpanId === undefined ? undefined : tree.nodes.find((n) => n.span.spanId === selectedSpanId);

  function handleToggle(spanId: string) {
    setCollapsed((current) => {
      const next = new Set(current);
      if (!next.delete(spanId)) next.add(spanId);
      return next;
    });
  }
  const handleSelect = (spanId: string | null) => replaceSearchParams({ [SPAN_PARAM]: spanId });
  const collapseAll = () =>
    setCollapsed(new Set(tree.nodes.filter((n) => n.depth >= 1 && n.children.length > 0).map((n) => n.span.spanId)));

  return (
    <>
      <div className="mb-4">
        <p className="text-base font-medium break-words text-ink">
          <span className="mr-2 font-mono text-sm text-muted">{root?.span.serviceName}</span>
          {root?.span.name}
        </p>
        <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm" data-testid="trace-facts">
          {(
            [
              ["Duration", formatDurationUs(tree.endUs - tree.startUs)],
              ["Spans", formatCount(spans.length)],
              ["Services", formatCount(colors.size)],
              ["Depth", formatCount(maxDepth + 1)],
              ["Errors", formatCount(errorCount)],
              ["Started", isHydrated ? formatTimestamp(tree.startUs / 1_000) : new Date(tree.startUs / 1_000).toISOString()],
            ] as const
          ).map(([label, value]) => (
            <div key={label} className="flex gap-1.5">
              <dt className="text-muted">{label}</dt>
              <dd className={`font-mono tabular-nums ${label === "Errors" && errorCount > 0 ? "text-bad" : "text-ink"}`}>
                {value}
              </dd>
            </div>
          ))}
        </dl>
      </div>

      <div className="grid grid-cols-1 gap-4 min-[1180px]:grid-cols-[minmax(0,1fr)_320px]">
        <Panel className="min-w-0 self-start overflow-hidden">
          <div className="flex flex-wrap items-center justify-between gap-2 border-b border-line px-3 py-2">
            <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs" aria-label="Service colours">
              {[...colors].map(([name, color]) => (
                <li key={name} className="flex items-center gap-1.5 text-ink-soft">
                  <span aria-hidden="true" className="size-2.5 rounded-sm" style={{ backgroundColor: color }} />
                  <span className="font-mono">{name}</span>
                  <span className="text-faint tabular-nums">{formatCount(spanCountByService.get(name) ?? 0)}</span>
                </li>
              ))}
            </ul>
            <div className="flex items-center gap-2 text-xs">
              <label className="flex cursor-pointer items-center gap-1.5 text-ink-soft">
                <input
                  type="checkbox"
                  checked={isCriticalPathShown}
                  onChange={(e) => setIsCriticalPathShown(e.target.checked)}
                  className="accent-warn"
                />
                <span className="inline-block h-[3px] w-4 rounded-full bg-warn" aria-hidden="true" />
                Critical path
              </label>
              <button
                type="button"
                onClick={collapseAll}
                className="rounded border border-line-strong px-2 py-0.5 text-muted hover:text-ink"
              >
                Collapse all
              </button>
              <button
                type="button"
                onClick={() => setCollapsed(new Set())}
                className="rounded border border-line-strong px-2 py-0.5 text-muted hover:text-ink"
              >
                Expand all
              </button>
            </div>
          </div>
          <TraceWaterfall
            tree={tree}
            visible={visible}
            collapsed={collapsed}
            colors={colors}
            criticalPath={criticalPath}
            isCriticalPathShown={isCriticalPathShown}
            selectedSpanId={selectedSpanId}
            focusedPosition={Math.min(focusedPosition, Math.max(0, visible.length - 1))}
            onFocusedPositionChange={setFocusedPosition}
            onToggle={handleToggle}
            onSelect={handleSelect}
          />
          <p className="border-t border-line px-3 py-1.5 text-[11px] text-faint">
            ↑↓ move · ← → collapse / expand · Space fold · Enter details · click a row for its details
          </p>
        </Panel>
        <Panel className="min-[1180px]:sticky min-[1180px]:top-16 min-[1180px]:max-h-[calc(100vh-5rem)] min-[1180px]:self-start flex flex-col overflow-hidden">
          {selectedNode === undefined ? (
            <p className="px-4 py-10 text-center text-sm text-muted">Select a span to see its attributes, events and links.</p>
          ) : (
            <SpanDetailPanel
              span={selectedNode.span}
              traceStartUs={tree.startUs}
              color={colors.get(selectedNode.span.serviceName) ?? "#8b98a6"}
              isOnCriticalPath={criticalPath.nodeIndexes.has(selectedNode.index)}
              onClose={() => handleSelect(null)}
            />
          )}
        </Panel>
      </div>
    </>
  );
}
