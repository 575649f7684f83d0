"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import type { MouseEvent, ReactNode } from "react";
import { BREAKER_STATE_DISPLAY } from "@/components/breakers/breaker-state-display";
import { ERROR_RATE_TEXT_CLASS } from "@/components/ui/error-rate-class";
import { SortableHeaderCell } from "@/components/ui/sortable-header-cell";
import { isOwnerReporting } from "@/lib/breakers/summarize-breakers";
import { formatLatencyMs, formatPercent, formatRequestRate, type NumberWithUnit } from "@/lib/overview/format-overview";
import type { OverviewBasis, OverviewBreaker, OverviewService } from "@/lib/query-client/overview-schemas";
import { formatCount } from "@/lib/ui/format-number";
import { formatRelativeTime } from "@/lib/ui/format-time";
import { classifyErrors } from "@/lib/ui/health";
import { classifyActivity, type ServiceActivity } from "@/lib/ui/service-activity";
import { nextSort, type ServiceSort, type ServiceSortKey, sortServices } from "@/lib/ui/sort-services";
import { ChartSparklineRequestRate } from "./chart-sparkline-request-rate";

type Activity = ServiceActivity | "heartbeats";

const ACTIVITY_DISPLAY: Record<Activity, { label: string; dotClass: string }> = {
  active: { label: "sent spans in the last minute", dotClass: "bg-ok shadow-[0_0_0_3px] shadow-ok/15" },
  idle: { label: "no spans for over a minute", dotClass: "bg-warn/80" },
  silent: { label: "no spans for over an hour", dotClass: "bg-faint" },
  heartbeats: { label: "sends heartbeats but no spans", dotClass: "border border-faint bg-transparent" },
};

const BASIS_DISPLAY: Record<OverviewBasis, { tag: string | null; explanation: string }> = {
  server: { tag: null, explanation: "requests it served (SERVER and CONSUMER spans)" },
  client: {
    tag: "client spans",
    explanation: "no SERVER or CONSUMER spans in this window: counting the calls it made (CLIENT and PRODUCER spans)",
  },
  internal: {
    tag: "internal spans",
    explanation: "no SERVER, CONSUMER, CLIENT or PRODUCER spans in this window: counting its INTERNAL spans",
  },
};

type Column = { key: ServiceSortKey; label: string; align: "left" | "right"; className: string };

const COLUMNS: Column[] = [
  { key: "name", label: "Service", align: "left", className: "" },
  { key: "rate", label: "Requests", align: "right", className: "w-[104px]" },
  { key: "errors", label: "Errors", align: "right", className: "w-[78px]" },
  { key: "p50", label: "p50", align: "right", className: "w-[78px]" },
  { key: "p95", label: "p95", align: "right", className: "w-[78px]" },
  { key: "p99", label: "p99", align: "right", className: "w-[78px]" },
];
const TRAILING_COLUMNS: Column[] = [
  { key: "instances", label: "Instances", align: "right", className: "w-[104px]" },
  { key: "breakers", label: "Breakers", align: "left", className: "w-[148px]" },
];

const cellClass = "px-3 py-2 align-middle";
const NONE = "—";

function Measure({ measure, className = "text-ink-soft" }: { measure: NumberWithUnit | null; className?: string }) {
  if (measure === null) {
    return (
      <>
        <span aria-hidden="true" className="text-faint">
          {NONE}
        </span>
        <span className="sr-only">no requests</span>
      </>
    );
  }
  return (
    <span className={`font-mono text-[13px] whitespace-nowrap tabular-nums ${className}`}>
      {measure.value}
      <span className="ml-0.5 font-sans text-[11px] text-faint">{measure.unit}</span>
    </span>
  );
}

function Tag({ title, children }: { title: string; children: ReactNode }) {
  return (
    <span
      className="rounded border border-line-strong px-1 py-px text-[10px] leading-tight whitespace-nowrap text-muted"
      title={title}
    >
      {children}
    </span>
  );
}

const latencyOf = (ms: number | null) => (ms === null ? null : formatLatencyMs(ms));

function InstancesCell({ instances }: { instances: OverviewService["instances"] }) {
  if (instances.total === 0) {
    return (
      <span className="text-xs text-faint" title="No registered instance: this service sends no heartbeats">
        none
      </span>
    );
  }
  const notHealthy = instances.total - instances.healthy;
  const tone = notHealthy === 0 ? "text-ok" : instances.healthy === 0 ? "text-bad font-semibold" : "text-warn";
  const details = [
    `${instances.healthy} healthy`,
    instances.degraded > 0 ? `${instances.degraded} degraded` : null,
    instances.unhealthy > 0 ? `${instances.unhealthy} unhealthy` : null,
  ]
    .filter((part) => part !== null)
    .join(", ");
  return (
    <span className="font-mono text-[13px] whitespace-nowrap tabular-nums" title={details}>
      <span className={tone}>{instances.healthy}</span>
      <span className="text-faint">/{instances.total}</span>
      <span className="ml-1 font-sans text-[11px] text-faint">healthy</span>
      <span className="sr-only"> ({details})</span>
    </span>
  );
}

function describeBreaker(breaker: OverviewBreaker): string {
  const state = BREAKER_STATE_DISPLAY[breaker.state].label.toLowerCase();
  const stale = isOwnerReporting(breaker.ownerStatus) ? "" : ", owner stopped reporting";
  return `${breaker.ownerInstanceId} → ${breaker.targetInstanceId}: ${state}${stale}`;
}

/** "→ payments, ← gateway": whom the breakers are about, outbound first. */
function breakerPeers(breakers: OverviewBreaker[]): string {
  const peers = new Set<string>();
  for (const breaker of breakers) {
    peers.add(breaker.direction === "outbound" ? `→ ${breaker.targetService}` : `← ${breaker.ownerService}`);
  }
  return [...peers].join(", ");
}

function BreakersCell({ service, href }: { service: OverviewService; href: string }) {
  const live = service.breakers.filter((breaker) => isOwnerReporting(breaker.ownerStatus));
  const staleCount = service.breakers.length - live.length;
  if (service.breakers.length === 0) {
    return (
      <span className="text-xs text-faint">
        none<span className="sr-only"> open</span>
      </span>
    );
  }
  const counts = (["open", "forced_open", "half_open"] as const)
    .map((state) => ({ state, count: live.filter((breaker) => breaker.state === state).length }))
    .filter((entry) => entry.count > 0);
  const title = service.breakers.map(describeBreaker).join("\n");
  return (
    <Link
      href={href}
      title={title}
      className="-mx-1 -my-0.5 flex min-w-0 flex-col rounded px-1 py-0.5 hover:bg-panel-raised"
      data-testid="breakers-cell"
    >
      <span className="flex flex-wrap items-center gap-x-2 text-xs font-medium whitespace-nowrap">
        {counts.map(({ state, count }) => {
          const display = BREAKER_STATE_DISPLAY[state];
          const Icon = display.icon;
          return (
            <span key={state} className={`inline-flex items-center gap-1 ${display.textClass}`}>
              <Icon className="size-3.5" />
              {count} {display.label.toLowerCase()}
            </span>
          );
        })}
        {staleCount > 0 && <span className="text-faint">{staleCount} stale</span>}
      </span>
      <span className="truncate font-mono text-[11px] text-muted">{breakerPeers(service.breakers)}</span>
      <span className="sr-only">: {title.replaceAll("\n", "; ")}. Open the Breakers page.</span>
    </Link>
  );
}

function activityOf(service: OverviewService, nowMs: number): Activity {
  return service.lastSpanAt === null ? "heartbeats" : classifyActivity(Date.parse(service.lastSpanAt), nowMs);
}

/** Clicks on a row (outside its links and buttons) open the service, as the name link does. */
function isInteractive(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest("a, button, input, select, textarea") !== null;
}

export function ServicesTable({
  services,
  sort,
  onSortChange,
  nowMs,
  bucketMs,
  serviceHref,
  breakersHref,
}: {
  services: OverviewService[];
  sort: ServiceSort;
  onSortChange: (sort: ServiceSort) => void;
  nowMs: number;
  bucketMs: number;
  serviceHref: (name: string) => string;
  breakersHref: (name: string) => string;
}) {
  const router = useRouter();
  const rows = sortServices(services, sort);
  const header = (column: Column) => (
    <SortableHeaderCell
      key={column.key}
      label={column.label}
      align={column.align}
      className={`${column.className} px-3!`}
      activeDirection={sort.key === column.key ? sort.direction : undefined}
      onSort={() => onSortChange(nextSort(sort, column.key))}
    />
  );

  function handleRowClick(event: MouseEvent<HTMLTableRowElement>, href: string) {
    if (isInteractive(event.target) || event.defaultPrevented) return;
    if (window.getSelection()?.toString()) return; // selecting text is not a click
    router.push(href);
  }

  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[940px] table-fixed border-collapse text-sm">
        <caption className="sr-only">
          Services with their requests, errors and latency over the time range, instances and breakers. Column headers sort the
          table; each service name opens its page.
        </caption>
        <thead>
          <tr className="border-b border-line text-left">
            {COLUMNS.map(header)}
            <th
              scope="col"
              className="w-[144px] px-3 py-0 text-xs font-medium tracking-wide whitespace-nowrap text-faint uppercase"
            >
              Requests/s trend
            </th>
            {TRAILING_COLUMNS.map(header)}
          </tr>
        </thead>
        <tbody>
          {rows.map((service) => {
            const activity = ACTIVITY_DISPLAY[activityOf(service, nowMs)];
            const href = serviceHref(service.name);
            const basis = service.basis === null ? null : BASIS_DISPLAY[service.basis];
            const hasRequests = service.basis !== null;
            const lastSpan =
              service.lastSpanAt === null
                ? "never sent spans"
                : `last span ${formatRelativeTime(Date.parse(service.lastSpanAt), nowMs)}`;
            return (
              <tr
                key={service.name}
                onClick={(event) => handleRowClick(event, href)}
                className="cursor-pointer border-b border-line/70 last:border-b-0 hover:bg-panel-raised/60"
                data-testid="service-row"
              >
                <th scope="row" className={`${cellClass} text-left font-normal`}>
                  <span className="flex min-w-0 items-center gap-2.5">
                    <span
                      aria-hidden="true"
                      title={`${activity.label} (${lastSpan})`}
                      className={`size-2 shrink-0 rounded-full ${activity.dotClass}`}
                    />
                    <Link
                      href={href}
                      className="min-w-0 truncate rounded font-mono text-[13px] text-ink hover:text-accent hover:underline"
                      title={service.name}
                    >
                      {service.name}
                    </Link>
                    <span className="sr-only">
                      , {activity.label} ({lastSpan})
                    </span>
                  </span>
                  {(basis?.tag != null || service.spanCount === null) && (
                    <span className="mt-0.5 ml-[18px] flex gap-1.5">
                      {basis?.tag != null && (
                        <Tag title={basis.explanation}>
                          {basis.tag}
                          <span className="sr-only">: {basis.explanation}</span>
                        </Tag>
                      )}
                      {service.spanCount === null && <Tag title={ACTIVITY_DISPLAY.heartbeats.label}>heartbeats only</Tag>}
                    </span>
                  )}
                </th>
                <td
                  data-testid="cell-rate"
                  className={`${cellClass} text-right`}
                  title={
                    hasRequests
                      ? `${formatCount(service.requests)} ${service.requests === 1 ? "request" : "requests"} in the window`
                      : undefined
                  }
                >
                  {hasRequests ? <Measure measure={formatRequestRate(service.requestRate)} /> : <Measure measure={null} />}
                </td>
                <td
                  data-testid="cell-errors"
                  className={`${cellClass} text-right`}
                  title={hasRequests ? `${formatCount(service.errors)} of ${formatCount(service.requests)} failed` : undefined}
                >
                  <Measure
                    measure={service.errorPercent === null ? null : formatPercent(service.errorPercent)}
                    className={ERROR_RATE_TEXT_CLASS[classifyErrors(service.errors, service.requests)]}
                  />
                </td>
                {(["p50", "p95", "p99"] as const).map((key) => (
                  <td key={key} data-testid={`cell-${key}`} className={`${cellClass} text-right`}>
                    <Measure measure={latencyOf(service[`${key}Ms`])} />
                  </td>
                ))}
                <td className={`${cellClass} py-1`}>
                  {hasRequests && service.series.length > 0 ? (
                    <ChartSparklineRequestRate series={service.series} bucketMs={bucketMs} serviceName={service.name} />
                  ) : (
                    <span className="text-xs text-faint">no requests</span>
                  )}
                </td>
                <td data-testid="cell-instances" className={`${cellClass} text-right`}>
                  <InstancesCell instances={service.instances} />
                </td>
                <td className={cellClass}>
                  <BreakersCell service={service} href={breakersHref(service.name)} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
