"use client";

import { Handle, type NodeProps, Position } from "@xyflow/react";
import { memo } from "react";
import { HEALTH_LABEL, type ServiceFlowNode } from "@/lib/topology/build-flow-elements";
import { formatErrorRate, formatMs, formatRps } from "@/lib/topology/format-traffic";
import { classifyVirtualNode, VIRTUAL_NODE_LABEL } from "@/lib/topology/virtual-node-kind";
import { HEALTH_DISPLAY } from "./health-display";
import { BrokerIcon, DatabaseIcon, ExternalIcon, ServiceNodeIcon } from "./topology-icons";

const VIRTUAL_ICONS = { database: DatabaseIcon, messaging: BrokerIcon, external: ExternalIcon } as const;

/**
 * One node: a service (solid card) or an uninstrumented peer (dashed, with a database, broker
 * or globe icon), its border in its health colour, with the health written out and its rate,
 * error rate and p95. Names are plain text (they come from span data).
 */
function ServiceNodeView({ data, selected }: NodeProps<ServiceFlowNode>) {
  const { node, health, isMatch, isDimmed, isFocus } = data;
  const display = HEALTH_DISPLAY[health];
  const virtualKind = node.isVirtual ? classifyVirtualNode(node.id) : null;
  const KindIcon = virtualKind === null ? ServiceNodeIcon : VIRTUAL_ICONS[virtualKind];
  const instanceCount = node.instances.healthy + node.instances.degraded + node.instances.unhealthy;
  const hasTraffic = node.stats.calls > 0;

  return (
    <div
      data-testid="topology-node"
      data-node-id={node.id}
      data-health={health}
      data-virtual={node.isVirtual}
      data-match={isMatch}
      className={[
        "relative flex h-[64px] w-[176px] flex-col justify-center gap-0.5 px-2.5 text-left transition-opacity",
        node.isVirtual ? "rounded-[22px] border-2 border-dashed bg-canvas" : "rounded-lg border-2 bg-panel-raised",
        isDimmed ? "opacity-30" : "opacity-100",
        isMatch ? "ring-2 ring-accent ring-offset-2 ring-offset-canvas" : "",
        selected ? "shadow-[0_0_0_4px_rgba(56,189,248,0.35)]" : "",
      ].join(" ")}
      style={{ borderColor: display.color }}
    >
      {isFocus && (
        <span className="absolute -top-2 right-2 rounded border border-accent/60 bg-canvas px-1 text-[9px] leading-3 font-semibold tracking-wide text-accent uppercase">
          focus
        </span>
      )}
      <Handle
        type="target"
        position={Position.Left}
        isConnectable={false}
        className="!size-1 !min-h-0 !min-w-0 !border-0 !bg-transparent"
      />
      <div className="flex min-w-0 items-center gap-1.5">
        <KindIcon className="size-4 shrink-0 text-ink-soft" />
        <span className="min-w-0 flex-1 truncate text-[13px] font-semibold text-ink" title={node.id}>
          {node.id}
        </span>
      </div>
      <div className="flex items-center gap-1.5 text-[11px]">
        <span aria-hidden="true" className="size-2 shrink-0 rounded-full" style={{ backgroundColor: display.color }} />
        <span className={`font-medium ${display.textClass}`}>{HEALTH_LABEL[health]}</span>
        {hasTraffic && <span className="truncate text-muted tabular-nums">· {formatErrorRate(node.stats.errorRate)} err</span>}
      </div>
      <div className="truncate text-[11px] text-faint tabular-nums">
        {hasTraffic
          ? `${formatRps(node.stats.rps)} · p95 ${formatMs(node.stats.p95Ms)}`
          : virtualKind !== null
            ? VIRTUAL_NODE_LABEL[virtualKind]
            : instanceCount > 0
              ? `${instanceCount} ${instanceCount === 1 ? "instance" : "instances"}, no requests`
              : "no requests served"}
      </div>
      <Handle
        type="source"
        position={Position.Right}
        isConnectable={false}
        className="!size-1 !min-h-0 !min-w-0 !border-0 !bg-transparent"
      />
    </div>
  );
}

export const ServiceNode = memo(ServiceNodeView);
