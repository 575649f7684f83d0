"use client";

import { BaseEdge, EdgeLabelRenderer, type EdgeProps } from "@xyflow/react";
import { createContext, memo, useContext } from "react";
import { BREAKER_STATE_DISPLAY } from "@/components/breakers/breaker-state-display";
import type { EdgeBreakerSummary } from "@/lib/breakers/summarize-edge-breakers";
import type { TrafficFlowEdge } from "@/lib/topology/build-flow-elements";
import { formatErrorRate, formatMs, formatRps } from "@/lib/topology/format-traffic";
import { routePath } from "@/lib/topology/layout-graph";
import { HALF_OPEN_BREAKER_COLOR, HEALTH_DISPLAY, IDLE_EDGE_COLOR, OPEN_BREAKER_COLOR } from "./health-display";

/** Lets an edge's label (HTML outside the SVG) select its edge, as a click on the line does. */
export const SelectEdgeContext = createContext<(source: string, target: string) => void>(() => {});

/** The stroke of an edge: an open breaker wins over everything, then half-open, then health. */
export function edgeColor(data: TrafficFlowEdge["data"]): string {
  if (data === undefined) return IDLE_EDGE_COLOR;
  if (data.breaker?.isRefusing) return OPEN_BREAKER_COLOR;
  if (data.breaker?.state === "half_open") return HALF_OPEN_BREAKER_COLOR;
  if (data.health === "no_traffic") return IDLE_EDGE_COLOR;
  return HEALTH_DISPLAY[data.health].color;
}

function describeBreakers(breaker: EdgeBreakerSummary): string {
  const live =
    breaker.state === null
      ? "none live"
      : `${BREAKER_STATE_DISPLAY[breaker.state].label.toLowerCase()} on ${breaker.count} of ${breaker.liveCount}`;
  const stale = breaker.staleCount > 0 ? `; ${breaker.staleCount} stale (owner stopped reporting)` : "";
  return `Breakers on this edge: ${live}${stale}`;
}

/**
 * One caller → callee edge along the layout's route, labelled with its rate, error rate and
 * p95. An edge with a breaker refusing calls is drawn red, thick and dashed with moving dashes,
 * and its label says "open n/m" on red; half-open is amber and dashed.
 */
function TrafficEdgeView({ id, data, selected, markerEnd }: EdgeProps<TrafficFlowEdge>) {
  const selectEdge = useContext(SelectEdgeContext);
  if (data === undefined) return null;
  const { edge, breaker, isDimmed } = data;
  const color = edgeColor(data);
  const isRefusing = breaker?.isRefusing === true;
  const isProbing = breaker?.state === "half_open";
  // Every breaker stale (owners stopped reporting): no live state, the label says "n stale".
  const breakerDisplay = breaker === null || breaker.state === null ? null : BREAKER_STATE_DISPLAY[breaker.state];
  const BreakerIcon = breakerDisplay?.icon;
  const hasTraffic = edge.stats.calls > 0;

  return (
    <>
      <BaseEdge
        id={id}
        path={routePath(data.points)}
        markerEnd={markerEnd}
        interactionWidth={18}
        className={isRefusing ? "topology-edge-open" : isProbing ? "topology-edge-probing" : undefined}
        style={{
          stroke: color,
          strokeWidth: isRefusing ? 3.5 : selected ? 2.75 : 1.75,
          strokeDasharray: isRefusing ? "10 6" : isProbing ? "6 5" : undefined,
          opacity: isDimmed ? 0.25 : 1,
        }}
      />
      <EdgeLabelRenderer>
        <div
          className={[
            "nodrag nopan absolute cursor-pointer rounded-md px-1.5 py-0.5 text-center text-[11px] leading-4 tabular-nums shadow-sm transition-opacity",
            // A refusing breaker's label is red all over, not only its badge: the line may be short.
            isRefusing
              ? `border-2 border-bad bg-[#2a1215] ${selected ? "ring-2 ring-accent" : ""} shadow-[0_0_12px_rgba(239,68,68,0.45)]`
              : selected
                ? "border border-accent bg-panel-raised"
                : "border border-line-strong bg-panel",
            isDimmed ? "opacity-30" : "opacity-100",
          ].join(" ")}
          style={{
            transform: `translate(-50%, -50%) translate(${data.label.x}px, ${data.label.y}px)`,
            pointerEvents: "all",
            // Above every edge line (an open breaker's edge is raised over the others).
            zIndex: 10,
          }}
          data-testid="topology-edge-label"
          data-edge-source={edge.source}
          data-edge-target={edge.target}
          data-breaker-state={breaker?.state ?? "none"}
          onClick={(event) => {
            // Not on to the pane: its click clears the selection, which would close the panel
            // this label just opened when a node or another edge was selected before.
            event.stopPropagation();
            selectEdge(edge.source, edge.target);
          }}
        >
          {hasTraffic ? (
            <>
              <div className="whitespace-nowrap text-ink-soft">{formatRps(edge.stats.rps)}</div>
              <div className="whitespace-nowrap text-muted">
                <span className={edge.stats.errors > 0 ? HEALTH_DISPLAY[data.health].textClass : undefined}>
                  {formatErrorRate(edge.stats.errorRate)}
                </span>
                <span className="text-faint"> · </span>p95 {formatMs(edge.stats.p95Ms)}
              </div>
            </>
          ) : (
            <div className="whitespace-nowrap text-faint">no calls</div>
          )}
          {breaker !== null && (
            <div
              className={[
                "mt-0.5 inline-flex items-center gap-1 rounded px-1 font-semibold whitespace-nowrap",
                isRefusing
                  ? "bg-bad px-1.5 text-[12px] text-canvas uppercase"
                  : isProbing && breakerDisplay !== null
                    ? `border ${breakerDisplay.badgeClass} ${breakerDisplay.textClass}`
                    : "font-medium text-faint",
              ].join(" ")}
              title={describeBreakers(breaker)}
            >
              {BreakerIcon !== undefined && <BreakerIcon className="size-3" />}
              {breaker.label}
            </div>
          )}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

export const TrafficEdge = memo(TrafficEdgeView);
