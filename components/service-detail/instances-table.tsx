"use client";

import { FaultsDialogButton } from "@/components/faults/faults-dialog-button";
import type { InstanceStatus } from "@/lib/control/contract";
import type { ServiceInstanceDto } from "@/lib/query-client/service-detail-schemas";
import { formatAge } from "@/lib/service-detail/format-service-detail";
import { formatClock } from "@/lib/ui/format-time";
import { buildStatusSegments, type StatusSegment } from "@/lib/service-detail/instance-timeline";

type StatusDisplay = { label: string; textClass: string; fillClass: string; dotClass: string };

/** Every registry status, with colour never the only cue (the label is always written). */
export const INSTANCE_STATUS_DISPLAY: Record<InstanceStatus, StatusDisplay> = {
  healthy: { label: "Healthy", textClass: "text-ok", fillClass: "bg-ok/70", dotClass: "bg-ok" },
  degraded: { label: "Degraded", textClass: "text-warn", fillClass: "bg-warn", dotClass: "bg-warn" },
  unhealthy: { label: "Unhealthy", textClass: "text-bad", fillClass: "bg-bad", dotClass: "bg-bad" },
  deregistered: { label: "Deregistered", textClass: "text-muted", fillClass: "bg-faint/60", dotClass: "bg-faint" },
};

const NOT_REGISTERED: StatusDisplay = {
  label: "Not registered",
  textClass: "text-faint",
  fillClass: "bg-[repeating-linear-gradient(135deg,var(--color-line-strong)_0_4px,transparent_4px_8px)]",
  dotClass: "bg-line-strong",
};

const displayOf = (status: InstanceStatus | null) => (status === null ? NOT_REGISTERED : INSTANCE_STATUS_DISPLAY[status]);

/** A non-healthy spell of a few seconds in a day is a sliver of a pixel: keep it visible. */
const MIN_SEGMENT_PX = 3;

function HealthStrip({
  instanceId,
  segments,
  fromMs,
  toMs,
}: {
  instanceId: string;
  segments: StatusSegment[];
  fromMs: number;
  toMs: number;
}) {
  const spanMs = toMs - fromMs;
  const withSeconds = spanMs <= 10 * 60_000;
  const description = segments
    .map((s) => `${displayOf(s.status).label} ${formatClock(s.startMs, withSeconds)}–${formatClock(s.endMs, withSeconds)}`)
    .join(", ");
  return (
    <div
      role="img"
      aria-label={`${instanceId} health over the range: ${description}`}
      className="relative h-4 overflow-hidden rounded bg-canvas ring-1 ring-line"
      data-testid="health-strip"
    >
      {segments.map((segment) => (
        <span
          key={segment.startMs}
          data-testid="health-segment"
          data-status={segment.status ?? "none"}
          title={`${displayOf(segment.status).label}: ${formatClock(segment.startMs, withSeconds)} → ${formatClock(segment.endMs, withSeconds)} (${formatAge(segment.endMs - segment.startMs)})`}
          className={`absolute inset-y-0 border-r border-canvas/60 last:border-r-0 ${displayOf(segment.status).fillClass}`}
          style={{
            left: `${((segment.startMs - fromMs) / spanMs) * 100}%`,
            width: `${((segment.endMs - segment.startMs) / spanMs) * 100}%`,
            minWidth: segment.status === "healthy" ? undefined : MIN_SEGMENT_PX,
          }}
        />
      ))}
    </div>
  );
}

export function InstanceStatusLegend() {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted" aria-label="Health legend">
      {[...Object.values(INSTANCE_STATUS_DISPLAY), NOT_REGISTERED].map((display) => (
        <li key={display.label} className="flex items-center gap-1.5">
          <span aria-hidden="true" className={`inline-block h-3 w-5 rounded-sm ring-1 ring-line ${display.fillClass}`} />
          {display.label}
        </li>
      ))}
    </ul>
  );
}

/**
 * The service's instances: id, version, registry status, time since the last heartbeat, and
 * a health strip over the range from the status history (status at the range start, then
 * each change). Ages are the database's, as of the last refresh.
 */
export function InstancesTable({
  service,
  instances,
  fromMs,
  toMs,
}: {
  /** The service the instances belong to (the "Faults" action opens its fault panel). */
  service: string;
  instances: readonly ServiceInstanceDto[];
  fromMs: number;
  toMs: number;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[760px] text-sm" data-testid="instances-table">
        <thead className="border-b border-line text-xs tracking-wide text-faint uppercase">
          <tr>
            <th scope="col" className="h-9 w-56 px-4 text-left font-medium">
              Instance
            </th>
            <th scope="col" className="w-24 px-3 text-left font-medium">
              Version
            </th>
            <th scope="col" className="w-32 px-3 text-left font-medium">
              Status
            </th>
            <th scope="col" className="w-36 px-3 text-right font-medium">
              Last heartbeat
            </th>
            <th scope="col" className="px-4 text-left font-medium">
              Health over the range
            </th>
            <th scope="col" className="w-20 px-3 text-right font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {instances.map((instance) => {
            const display = INSTANCE_STATUS_DISPLAY[instance.status];
            const segments = buildStatusSegments({
              fromMs,
              toMs,
              statusAtFrom: instance.statusAtFrom,
              changes: instance.changes,
            });
            return (
              <tr key={instance.instanceId} data-testid="instance-row" data-instance={instance.instanceId}>
                <td className="max-w-0 px-4 py-2">
                  <p className="truncate font-mono text-xs text-ink" title={instance.instanceId}>
                    {instance.instanceId}
                  </p>
                  <p className="truncate text-xs text-faint" title={instance.address}>
                    {instance.address}
                  </p>
                </td>
                <td className="px-3 py-2 font-mono text-xs break-all text-ink-soft">{instance.version}</td>
                <td className="px-3 py-2">
                  <span className={`inline-flex items-center gap-1.5 text-xs font-semibold ${display.textClass}`}>
                    <span aria-hidden="true" className={`size-2 rounded-full ${display.dotClass}`} />
                    {display.label}
                  </span>
                  {instance.reportedStatus !== instance.status && instance.status !== "deregistered" && (
                    <p className="text-[11px] text-faint">reports {instance.reportedStatus}</p>
                  )}
                </td>
                <td
                  className={`px-3 py-2 text-right text-xs whitespace-nowrap tabular-nums ${instance.heartbeatAgeMs > instance.ttlMs ? "text-warn" : "text-ink-soft"}`}
                  title={`TTL ${formatAge(instance.ttlMs)}`}
                >
                  {formatAge(instance.heartbeatAgeMs)} ago
                </td>
                <td className="px-4 py-2">
                  <HealthStrip instanceId={instance.instanceId} segments={segments} fromMs={fromMs} toMs={toMs} />
                </td>
                <td className="px-3 py-2 text-right">
                  {instance.status !== "deregistered" && (
                    <FaultsDialogButton instanceId={instance.instanceId} service={service} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
