"use client";

import { AlertIcon, CheckIcon } from "@/components/ui/icons";
import { describeApply, describeLateGateways } from "@/lib/traffic/apply-status";
import type { RouteDetail } from "@/lib/traffic/contract";
import { formatClock } from "@/lib/ui/format-time";
import { useNow } from "@/lib/ui/use-now";

const seconds = (ms: number) => `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/**
 * Whether the configured version is in effect: pending → "Applied by gateway … at … (version
 * N)"; pending longer than LATE_AFTER_MS turns into a red alert naming what each gateway runs.
 */
export function ApplyStatus({
  detail,
  saved,
  updatedAtMs,
}: {
  detail: RouteDetail;
  saved: { version: number; atMs: number } | null;
  updatedAtMs: number;
}) {
  const nowMs = useNow(updatedAtMs);
  const view = describeApply({ status: detail.status, gateways: detail.gateways, saved, nowMs });
  switch (view.kind) {
    case "applied":
      return (
        <p
          role="status"
          className="flex items-start gap-2 rounded-md border border-ok/30 bg-ok/5 px-3 py-2 text-sm text-ink-soft"
          data-testid="apply-status"
          data-state="applied"
        >
          <CheckIcon className="mt-0.5 size-4 shrink-0 text-ok" />
          <span>
            Applied by gateway{view.gatewayIds.length === 1 ? "" : "s"}{" "}
            <span className="font-medium text-ink">{view.gatewayIds.join(", ") || "—"}</span> at{" "}
            <time dateTime={new Date(view.appliedAtMs).toISOString()} className="tabular-nums">
              {formatClock(view.appliedAtMs, true)}
            </time>{" "}
            (version {view.version})
          </span>
        </p>
      );
    case "pending":
      return (
        <p
          role="status"
          className="flex items-start gap-2 rounded-md border border-accent/30 bg-accent/5 px-3 py-2 text-sm text-ink-soft"
          data-testid="apply-status"
          data-state="pending"
        >
          <span aria-hidden="true" className="mt-1.5 size-2 shrink-0 animate-pulse-dot rounded-full bg-accent" />
          <span>
            Pending: version {view.version} saved, waiting for{" "}
            {view.behind.length > 0 ? `gateway ${view.behind.join(", ")}` : "the gateway"} to apply it ({seconds(view.elapsedMs)})
          </span>
        </p>
      );
    case "late":
      return (
        <div
          role="alert"
          className="flex items-start gap-2 rounded-md border border-bad/50 bg-bad/10 px-3 py-2 text-sm text-ink"
          data-testid="apply-status"
          data-state="late"
        >
          <AlertIcon className="mt-0.5 size-4 shrink-0 text-bad" />
          <span>
            <span className="font-semibold text-bad">
              Not applied by the gateway after {Math.floor(view.elapsedMs / 1_000)} s
            </span>{" "}
            — {describeLateGateways(view.gateways)}; version {view.version} is stored and the gateway picks it up when it next
            reads its routes. (A watching gateway applies a change within a second.)
          </span>
        </div>
      );
    case "no_gateway":
      return (
        <p
          role="status"
          className="flex items-start gap-2 rounded-md border border-warn/30 bg-warn/5 px-3 py-2 text-sm text-ink-soft"
          data-testid="apply-status"
          data-state="no_gateway"
        >
          <AlertIcon className="mt-0.5 size-4 shrink-0 text-warn" />
          <span>
            No gateway connected: version {view.version} is stored and applies when a gateway serving this route starts watching.
          </span>
        </p>
      );
  }
}
