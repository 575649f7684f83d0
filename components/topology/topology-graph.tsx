"use client";

import "@xyflow/react/dist/style.css";
import "./topology.css";
import {
  Background,
  BackgroundVariant,
  Controls,
  type EdgeChange,
  MarkerType,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from "@xyflow/react";
import { useEffect, useMemo, useRef } from "react";
import type { ServiceFlowNode, TopologySelection, TrafficFlowEdge } from "@/lib/topology/build-flow-elements";
import { ServiceNode } from "./service-node";
import { edgeColor, SelectEdgeContext, TrafficEdge } from "./traffic-edge";

const nodeTypes = { service: ServiceNode };
const edgeTypes = { traffic: TrafficEdge };
// Room on the left for the zoom controls, so a fitted graph never sits under them.
const FIT_VIEW_OPTIONS = {
  padding: { top: "20px", right: "20px", bottom: "20px", left: "56px" },
  maxZoom: 1.25,
} as const;

/**
 * The graph canvas (React Flow): nodes and edges as buildFlowElements made them, read-only
 * (no dragging or connecting), selectable with the mouse or the keyboard (Tab to a node or
 * edge, Enter or Space to select, Escape to clear). The view fits the graph when its shape
 * (`layoutKey`) changes — never on a refresh that only changes numbers — and centres on
 * `centerOn` when asked (search).
 */
export function TopologyGraph({
  nodes,
  edges,
  layoutKey,
  onSelect,
  centerOn,
}: {
  nodes: ServiceFlowNode[];
  edges: TrafficFlowEdge[];
  layoutKey: string;
  onSelect: (selection: TopologySelection | null) => void;
  /** A node to bring into view; `seq` changes on every request, even for the same node. */
  centerOn: { id: string; seq: number } | null;
}) {
  const flow = useReactFlow<ServiceFlowNode, TrafficFlowEdge>();
  const edgesWithMarkers = useMemo(
    () =>
      edges.map((edge) => ({
        ...edge,
        // In user space: the arrowhead keeps its size on the thick line of an open breaker.
        markerEnd: {
          type: MarkerType.ArrowClosed,
          color: edgeColor(edge.data),
          width: 16,
          height: 16,
          markerUnits: "userSpaceOnUse",
        },
      })),
    [edges],
  );

  // Fit when the graph's shape changes (focus, new services), after React Flow has measured it.
  const fittedKey = useRef(layoutKey);
  // Whether the user panned or zoomed since the last fit: then a resize leaves the view alone.
  const hasUserMoved = useRef(false);
  const wrapper = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (fittedKey.current === layoutKey) return;
    fittedKey.current = layoutKey;
    hasUserMoved.current = false;
    const frame = requestAnimationFrame(() => void flow.fitView({ ...FIT_VIEW_OPTIONS, duration: 250 }));
    return () => cancelAnimationFrame(frame);
  }, [flow, layoutKey]);

  // The canvas narrows when the details panel opens: refit, unless the user has moved the view.
  useEffect(() => {
    const element = wrapper.current;
    if (element === null) return;
    let frame = 0;
    let lastWidth = element.clientWidth;
    const observer = new ResizeObserver(() => {
      if (element.clientWidth === lastWidth) return;
      lastWidth = element.clientWidth;
      cancelAnimationFrame(frame);
      if (!hasUserMoved.current) frame = requestAnimationFrame(() => void flow.fitView(FIT_VIEW_OPTIONS));
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [flow]);

  useEffect(() => {
    if (centerOn === null) return;
    // Asked for by the user: a resize after it (the panel opening) must not undo it.
    hasUserMoved.current = true;
    void flow.fitView({ nodes: [{ id: centerOn.id }], maxZoom: 1.1, minZoom: 0.6, duration: 300 });
  }, [flow, centerOn]);

  function handleNodesChange(changes: NodeChange<ServiceFlowNode>[]) {
    const chosen = changes.find((change) => change.type === "select" && change.selected);
    if (chosen !== undefined && chosen.type === "select") onSelect({ kind: "node", id: chosen.id });
    else if (
      changes.some(
        (change) => change.type === "select" && !change.selected && nodes.some((n) => n.id === change.id && n.selected),
      )
    )
      onSelect(null);
  }

  function handleEdgesChange(changes: EdgeChange<TrafficFlowEdge>[]) {
    const chosen = changes.find((change) => change.type === "select" && change.selected);
    const edge = chosen?.type === "select" ? edges.find((e) => e.id === chosen.id) : undefined;
    if (edge !== undefined) onSelect({ kind: "edge", source: edge.source, target: edge.target });
    else if (
      changes.some(
        (change) => change.type === "select" && !change.selected && edges.some((e) => e.id === change.id && e.selected),
      )
    )
      onSelect(null);
  }

  return (
    <SelectEdgeContext value={(source, target) => onSelect({ kind: "edge", source, target })}>
      <div ref={wrapper} className="h-full w-full">
        <ReactFlow<ServiceFlowNode, TrafficFlowEdge>
          className="topology-flow"
          nodes={nodes}
          edges={edgesWithMarkers}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={handleNodesChange}
          onEdgesChange={handleEdgesChange}
          onMoveStart={(event) => {
            // A move with an input event is the user's; fitView's own moves have none.
            if (event !== null) hasUserMoved.current = true;
          }}
          colorMode="dark"
          fitView
          fitViewOptions={FIT_VIEW_OPTIONS}
          minZoom={0.2}
          maxZoom={2}
          nodesDraggable={false}
          nodesConnectable={false}
          edgesReconnectable={false}
          elementsSelectable
          deleteKeyCode={null}
          selectionKeyCode={null}
          multiSelectionKeyCode={null}
          zoomOnDoubleClick={false}
          ariaLabelConfig={{
            "node.a11yDescription.default": "Press Enter or Space to open this node's details, Escape to close them.",
            "node.a11yDescription.keyboardDisabled": "Press Enter or Space to open this node's details, Escape to close them.",
            "edge.a11yDescription.default": "Press Enter or Space to open this edge's details, Escape to close them.",
          }}
        >
          <Background variant={BackgroundVariant.Dots} gap={22} size={1} color="#1f2a36" />
          <Controls showInteractive={false} position="bottom-left" />
        </ReactFlow>
      </div>
    </SelectEdgeContext>
  );
}
