"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { BreakerStateBadge } from "@/components/breakers/breaker-state-display";
import { ErrorPanel } from "@/components/ui/error-panel";
import { STATES_BY_URGENCY, summarizeEdgeBreakers } from "@/lib/breakers/summarize-edge-breakers";
import { Skeleton } from "@/components/ui/skeleton";
import { AnnotationsList } from "@/components/service-detail/annotations-list";
import { breakersQueryOptions } from "@/lib/query-client/breakers-query";
import { serviceAnnotationsQueryOptions, serviceSeriesQueryOptions } from "@/lib/query-client/service-detail-query";
import type { ServiceAnnotationsResponse } from "@/lib/query-client/service-detail-schemas";
import { annotationGapMs, breakerSpells, placeAnnotations } from "@/lib/service-detail/place-annotations";
import { selectEdgeAnnotations } from "@/lib/topology/select-edge-annotations";
import { edgeSeriesQueryOptions } from "@/lib/query-client/topology-query";
import type { SeriesResponse, TopologyEdge, TopologyNode, TrafficStats } from "@/lib/query-client/topology-schemas";
import { HEALTH_LABEL, type TopologySelection } from "@/lib/topology/build-flow-elements";
import { formatCalls, formatErrorRate, formatMs, formatRps } from "@/lib/topology/format-traffic";
import { fromServiceSeries } from "@/lib/topology/from-service-series";
import { classifyHealth, type Health } from "@/lib/ui/health";
import { toChartPoints } from "@/lib/topology/to-chart-points";
import { classifyVirtualNode, VIRTUAL_NODE_LABEL } from "@/lib/topology/virtual-node-kind";
import type { RefreshInterval } from "@/lib/ui/refresh-interval";
import { breakersHref, serviceHref, tracesHref } from "@/lib/ui/page-links";
import { type TimeRange, timeRangeQuery } from "@/lib/ui/time-range";
import { ChartAreaRequestRate } from "./chart-area-request-rate";
import { type ChartAnnotations, NO_CHART_ANNOTATIONS } from "./chart-annotations";
import { ChartLineErrorRate } from "./chart-line-error-rate";
import { ChartLineLatency } from "./chart-line-latency";
import { HEALTH_DISPLAY } from "./health-display";
import { CloseIcon, FocusIcon } from "./topology-icons";

type PanelProps = {
  range: TimeRange;
  refetchInterval: RefreshInterval;
  onSelect: (selection: TopologySelection | null) => void;
  onFocus: (node: string) => void;
};

/** The details of the selected node or edge; a note when it is not in the graph any more. */
export function TopologySidePanel({
  selection,
  nodes,
  edges,
  ...props
}: PanelProps & { selection: TopologySelection; nodes: readonly TopologyNode[]; edges: readonly TopologyEdge[] }) {
  if (selection.kind === "node") {
    const node = nodes.find((candidate) => candidate.id === selection.id);
    if (node !== undefined) return <NodePanel node={node} edges={edges} {...props} />;
  } else {
    const edge = edges.find((candidate) => candidate.source === selection.source && candidate.target === selection.target);
    if (edge !== undefined) return <EdgePanel edge={edge} {...props} />;
  }
  const name = selection.kind === "node" ? selection.id : `${selection.source} → ${selection.target}`;
  return (
    <PanelShell title={name} subtitle="Not in this range" onClose={() => props.onSelect(null)}>
      <p className="px-4 py-6 text-sm text-muted">
        Nothing was recorded for <span className="font-medium text-ink">{name}</span> in the selected range. Pick a longer range,
        or another node.
      </p>
    </PanelShell>
  );
}

function PanelShell({
  title,
  subtitle,
  badge,
  onClose,
  children,
}: {
  title: ReactNode;
  subtitle: ReactNode;
  badge?: ReactNode;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <aside
      aria-labelledby="topology-panel-title"
      className="flex h-full min-h-0 w-[360px] shrink-0 flex-col overflow-hidden rounded-lg border border-line bg-panel"
      data-testid="topology-panel"
    >
      <div className="flex items-start gap-2 border-b border-line px-4 py-3">
        <div className="min-w-0 flex-1">
          <h2 id="topology-panel-title" className="truncate text-sm font-semibold text-ink">
            {title}
          </h2>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-xs text-muted">
            {badge}
            {subtitle}
          </div>
        </div>
        <button
          type="button"
          onClick={onClose}
          className="rounded p-1 text-muted hover:bg-panel-raised hover:text-ink"
          aria-label="Close details"
        >
          <CloseIcon className="size-4" />
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">{children}</div>
    </aside>
  );
}

function HealthBadge({ health }: { health: Health }) {
  const display = HEALTH_DISPLAY[health];
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded border px-1.5 py-0.5 font-semibold ${display.badgeClass} ${display.textClass}`}
    >
      <span aria-hidden="true" className="size-1.5 rounded-full" style={{ backgroundColor: display.color }} />
      {HEALTH_LABEL[health]}
    </span>
  );
}

function KeyNumbers({ stats }: { stats: TrafficStats }) {
  const items = [
    { label: "Rate", value: formatRps(stats.rps) },
    {
      label: "Errors",
      value: formatErrorRate(stats.errorRate),
      detail: stats.errors > 0 ? formatCalls(stats.errors) : undefined,
    },
    { label: "Calls", value: formatCalls(stats.calls) },
    { label: "p50", value: formatMs(stats.p50Ms) },
    { label: "p95", value: formatMs(stats.p95Ms) },
    { label: "p99", value: formatMs(stats.p99Ms) },
  ];
  return (
    <dl className="grid grid-cols-3 gap-px border-b border-line bg-line" data-testid="topology-key-numbers">
      {items.map((item) => (
        <div key={item.label} className="bg-panel px-3 py-2">
          <dt className="text-[11px] text-faint">{item.label}</dt>
          <dd className="text-sm font-semibold text-ink tabular-nums">{item.value}</dd>
          {item.detail !== undefined && <dd className="text-[11px] text-muted tabular-nums">{item.detail}</dd>}
        </div>
      ))}
    </dl>
  );
}

const linkClass =
  "inline-flex items-center gap-1 rounded-md border border-line-strong bg-panel-raised px-2 py-1 text-xs font-medium text-ink-soft hover:border-accent/60 hover:text-ink";

/**
 * The service page's annotations for the panel (weight changes of the service's routes and
 * breaker transitions), from the same query; absent for a virtual node.
 */
type AnnotationsQuery = {
  data:
    Pick<ServiceAnnotationsResponse, "routeChanges" | "breakerTransitions" | "breakerPriorStates" | "isTruncated"> | undefined;
  isPending: boolean;
  isError: boolean;
  error: Error | null;
  refetch: () => void;
};

function SeriesCharts({
  query,
  annotations,
  range,
  latencyTestId,
}: {
  query: {
    data: SeriesResponse | undefined;
    isPending: boolean;
    isError: boolean;
    error: Error | null;
    refetch: () => void;
    isFetching: boolean;
  };
  annotations: AnnotationsQuery | null;
  range: TimeRange;
  latencyTestId: string;
}) {
  if (query.isPending) {
    return (
      <div role="status" aria-label="Loading charts" className="space-y-3 px-4 py-4">
        {[0, 1, 2].map((row) => (
          <Skeleton key={row} className="h-28 w-full" />
        ))}
      </div>
    );
  }
  if (query.data === undefined) {
    return (
      <ErrorPanel
        title="Could not load the charts"
        message={query.error?.message ?? "unknown error"}
        onRetry={query.refetch}
        isRetrying={query.isFetching}
      />
    );
  }
  const { fromMs, toMs, bucketMs } = query.data;
  const points = toChartPoints(query.data.points);
  const events = annotations?.data;
  const marks: ChartAnnotations =
    events === undefined
      ? NO_CHART_ANNOTATIONS
      : {
          markers: placeAnnotations({
            routeChanges: events.routeChanges,
            breakerTransitions: events.breakerTransitions,
            domainStartMs: fromMs,
            domainEndMs: toMs,
            minGapMs: annotationGapMs(fromMs, toMs, bucketMs),
          }),
          spells: breakerSpells({
            breakerTransitions: events.breakerTransitions,
            breakerPriorStates: events.breakerPriorStates,
            domainStartMs: fromMs,
            domainEndMs: toMs,
          }),
        };
  return (
    <>
      <div className="space-y-3 py-3">
        <ChartAreaRequestRate points={points} startMs={fromMs} endMs={toMs} annotations={marks} />
        <ChartLineErrorRate points={points} startMs={fromMs} endMs={toMs} annotations={marks} />
        <ChartLineLatency points={points} startMs={fromMs} endMs={toMs} testId={latencyTestId} annotations={marks} />
      </div>
      {annotations !== null && (
        <div className="px-3 pb-3" data-testid="topology-annotations">
          <AnnotationsList
            markers={marks.markers}
            spells={marks.spells}
            range={range}
            isTruncated={events?.isTruncated ?? false}
            status={annotations.isPending ? "pending" : annotations.isError && events === undefined ? "error" : "ready"}
            errorMessage={annotations.error?.message}
            onRetry={annotations.refetch}
          />
        </div>
      )}
    </>
  );
}

function SectionTitle({ children }: { children: ReactNode }) {
  return <h3 className="px-4 pt-3 pb-1.5 text-[11px] font-semibold tracking-wide text-faint uppercase">{children}</h3>;
}

function NodePanel({
  node,
  edges,
  range,
  refetchInterval,
  onSelect,
  onFocus,
}: PanelProps & { node: TopologyNode; edges: readonly TopologyEdge[] }) {
  const health = classifyHealth(node.stats);
  const virtualKind = node.isVirtual ? classifyVirtualNode(node.id) : null;
  const rangeQuery = timeRangeQuery(range);
  // A service's own spans for a service; the calls its callers made for an uninstrumented peer.
  const serviceSeries = useQuery({
    ...serviceSeriesQueryOptions(node.id, range, null),
    select: (series) => ({
      fromMs: series.fromMs,
      toMs: series.toMs,
      bucketMs: series.bucketMs,
      points: fromServiceSeries(series),
    }),
    enabled: !node.isVirtual,
    refetchInterval,
  });
  const peerSeries = useQuery({ ...edgeSeriesQueryOptions(null, node.id, rangeQuery), enabled: node.isVirtual, refetchInterval });
  const series = node.isVirtual ? peerSeries : serviceSeries;
  const annotations = useQuery({ ...serviceAnnotationsQueryOptions(node.id, range), enabled: !node.isVirtual, refetchInterval });
  const callers = edges.filter((edge) => edge.target === node.id);
  const callees = edges.filter((edge) => edge.source === node.id);
  const instances = node.instances;
  const instanceTotal = instances.healthy + instances.degraded + instances.unhealthy;

  return (
    <PanelShell
      title={node.id}
      badge={<HealthBadge health={health} />}
      subtitle={
        virtualKind === null
          ? "service · requests it served"
          : `uninstrumented ${VIRTUAL_NODE_LABEL[virtualKind]} · as its callers saw it`
      }
      onClose={() => onSelect(null)}
    >
      <div className="flex flex-wrap gap-2 border-b border-line px-4 py-2.5">
        <button type="button" className={linkClass} onClick={() => onFocus(node.id)}>
          <FocusIcon className="size-3.5" />
          Focus here
        </button>
        {!node.isVirtual && (
          <>
            <Link className={linkClass} href={serviceHref(node.id, { range, refresh: refetchInterval })}>
              Service page →
            </Link>
            <Link className={linkClass} href={tracesHref({ service: node.id }, { range, refresh: refetchInterval })}>
              Traces →
            </Link>
          </>
        )}
        {node.isVirtual &&
          callers.map((edge) => (
            <Link
              key={edge.source}
              className={linkClass}
              href={tracesHref({ service: edge.source }, { range, refresh: refetchInterval })}
            >
              Traces of {edge.source} →
            </Link>
          ))}
      </div>
      <KeyNumbers stats={node.stats} />
      {!node.isVirtual && (
        <p className="border-b border-line px-4 py-2 text-xs text-muted" data-testid="topology-instances">
          {instanceTotal === 0
            ? "No instance sends heartbeats."
            : `Instances: ${instances.healthy} healthy${instances.degraded > 0 ? `, ${instances.degraded} degraded` : ""}${
                instances.unhealthy > 0 ? `, ${instances.unhealthy} unhealthy` : ""
              }`}
        </p>
      )}
      <SeriesCharts
        query={series}
        annotations={node.isVirtual ? null : { ...annotations, refetch: () => void annotations.refetch() }}
        range={range}
        latencyTestId="node-latency-chart"
      />
      <ConnectionList title="Called by" edges={callers} end="source" onSelect={onSelect} />
      <ConnectionList title="Calls" edges={callees} end="target" onSelect={onSelect} />
    </PanelShell>
  );
}

function ConnectionList({
  title,
  edges,
  end,
  onSelect,
}: {
  title: string;
  edges: readonly TopologyEdge[];
  end: "source" | "target";
  onSelect: (selection: TopologySelection) => void;
}) {
  if (edges.length === 0) return null;
  return (
    <section className="border-t border-line pb-2">
      <SectionTitle>{title}</SectionTitle>
      <ul>
        {edges.map((edge) => {
          const breaker = summarizeEdgeBreakers(edge.breakers);
          return (
            <li key={`${edge.source}→${edge.target}`}>
              <button
                type="button"
                onClick={() => onSelect({ kind: "edge", source: edge.source, target: edge.target })}
                className="flex w-full items-center gap-2 px-4 py-1.5 text-left text-xs hover:bg-panel-raised"
              >
                <span
                  aria-hidden="true"
                  className="size-2 shrink-0 rounded-full"
                  style={{ backgroundColor: HEALTH_DISPLAY[classifyHealth(edge.stats)].color }}
                />
                <span className="min-w-0 flex-1 truncate font-medium text-ink">{edge[end]}</span>
                <span className="text-muted tabular-nums">
                  {formatRps(edge.stats.rps)} · {formatErrorRate(edge.stats.errorRate)}
                </span>
                {breaker?.isRefusing === true && (
                  <span className="rounded bg-bad px-1 font-semibold text-canvas">{breaker.label}</span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function EdgePanel({ edge, range, refetchInterval, onSelect, onFocus }: PanelProps & { edge: TopologyEdge }) {
  const health = classifyHealth(edge.stats);
  const series = useQuery({ ...edgeSeriesQueryOptions(edge.source, edge.target, timeRangeQuery(range)), refetchInterval });
  const breaker = summarizeEdgeBreakers(edge.breakers);
  // The callee's route changes, and the breakers this caller holds on it (not its other callers').
  const annotations = useQuery({
    ...serviceAnnotationsQueryOptions(edge.target, range),
    enabled: !edge.isVirtual,
    refetchInterval,
  });
  const breakerList = useQuery({ ...breakersQueryOptions(), enabled: !edge.isVirtual, refetchInterval });
  const edgeAnnotations =
    annotations.data === undefined ? undefined : selectEdgeAnnotations(annotations.data, edge, breakerList.data?.breakers ?? []);

  return (
    <PanelShell
      title={
        <>
          {edge.source} <span className="text-faint">→</span> {edge.target}
        </>
      }
      badge={<HealthBadge health={health} />}
      subtitle={`as seen by ${edge.source} (its client spans)`}
      onClose={() => onSelect(null)}
    >
      <div className="flex flex-wrap gap-2 border-b border-line px-4 py-2.5">
        <button type="button" className={linkClass} onClick={() => onSelect({ kind: "node", id: edge.source })}>
          {edge.source}
        </button>
        <button type="button" className={linkClass} onClick={() => onSelect({ kind: "node", id: edge.target })}>
          {edge.target}
        </button>
        <button type="button" className={linkClass} onClick={() => onFocus(edge.source)}>
          <FocusIcon className="size-3.5" />
          Focus {edge.source}
        </button>
        <Link className={linkClass} href={tracesHref({ service: edge.source }, { range, refresh: refetchInterval })}>
          Traces of {edge.source} →
        </Link>
        {!edge.isVirtual && (
          <Link className={linkClass} href={tracesHref({ service: edge.target }, { range, refresh: refetchInterval })}>
            Traces of {edge.target} →
          </Link>
        )}
      </div>
      {breaker !== null && (
        <section
          className={`border-b px-4 py-2.5 ${breaker.isRefusing ? "border-bad/40 bg-bad/10" : "border-line"}`}
          data-testid="topology-edge-breakers"
        >
          <p className={`text-xs font-semibold ${breaker.isRefusing ? "text-bad" : "text-ink-soft"}`}>
            {breaker.isRefusing
              ? `Circuit breaker ${breaker.label}: ${edge.source} refuses calls to ${edge.target} on ${breaker.refusingCount} of ${breaker.liveCount} instance pairs`
              : `Breakers: ${breaker.label}`}
          </p>
          <ul className="mt-1.5 flex flex-wrap gap-1.5">
            {STATES_BY_URGENCY.filter((state) => breaker.countByState[state] > 0).map((state) => (
              <li key={state} className="flex items-center gap-1 text-xs text-muted tabular-nums">
                <BreakerStateBadge state={state} size="sm" />× {breaker.countByState[state]}
              </li>
            ))}
            {breaker.staleCount > 0 && (
              <li
                className="flex items-center text-xs text-faint tabular-nums"
                title="Owners that stopped reporting: their last reported state, not a live one"
              >
                {breaker.staleCount} stale
              </li>
            )}
          </ul>
          <Link
            className="mt-2 inline-block text-xs font-medium text-accent hover:underline"
            href={breakersHref(edge.source, { range, refresh: refetchInterval })}
          >
            Breakers of {edge.source} →
          </Link>
        </section>
      )}
      <KeyNumbers stats={edge.stats} />
      <SeriesCharts
        query={series}
        annotations={edge.isVirtual ? null : { ...annotations, data: edgeAnnotations, refetch: () => void annotations.refetch() }}
        range={range}
        latencyTestId="edge-latency-chart"
      />
    </PanelShell>
  );
}
