import { RelativeTime } from "@/components/ui/relative-time";
import { SortableHeaderCell } from "@/components/ui/sortable-header-cell";
import type { ServiceSummary } from "@/lib/query-client/schemas";
import { formatCount } from "@/lib/ui/format-number";
import { classifyActivity, type ServiceActivity } from "@/lib/ui/service-activity";
import { nextSort, type ServiceSort, type ServiceSortKey, sortServices } from "@/lib/ui/sort-services";

const ACTIVITY_DISPLAY: Record<ServiceActivity, { label: string; dotClass: string }> = {
  active: { label: "Active: sent spans in the last minute", dotClass: "bg-ok shadow-[0_0_0_3px] shadow-ok/15" },
  idle: { label: "Idle: no spans for over a minute", dotClass: "bg-warn/80" },
  silent: { label: "Silent: no spans for over an hour", dotClass: "bg-faint" },
};

type Column = { key: ServiceSortKey; label: string; align: "left" | "right"; className: string };

const COLUMNS: Column[] = [
  { key: "name", label: "Service", align: "left", className: "" },
  { key: "spans", label: "Spans", align: "right", className: "w-36" },
  { key: "lastSeen", label: "Last seen", align: "left", className: "w-40" },
  { key: "firstSeen", label: "First seen", align: "left", className: "w-40" },
];

export function ServicesTable({
  services,
  sort,
  onSortChange,
  nowMs,
}: {
  services: ServiceSummary[];
  sort: ServiceSort;
  onSortChange: (sort: ServiceSort) => void;
  nowMs: number;
}) {
  const rows = sortServices(services, sort);
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[640px] border-collapse text-sm">
        <caption className="sr-only">Services that have sent spans. Column headers sort the table.</caption>
        <thead>
          <tr className="border-b border-line text-left">
            {COLUMNS.map((column) => (
              <SortableHeaderCell
                key={column.key}
                label={column.label}
                align={column.align}
                className={column.className}
                activeDirection={sort.key === column.key ? sort.direction : undefined}
                onSort={() => onSortChange(nextSort(sort, column.key))}
              />
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((service) => {
            const activity = ACTIVITY_DISPLAY[classifyActivity(Date.parse(service.lastSeen), nowMs)];
            return (
              <tr
                key={service.name}
                className="border-b border-line/70 last:border-b-0 hover:bg-panel-raised/60"
                data-testid="service-row"
              >
                <th scope="row" className="px-4 py-2.5 text-left font-normal">
                  <span className="flex items-center gap-2.5">
                    <span
                      aria-hidden="true"
                      title={activity.label}
                      className={`size-2 shrink-0 rounded-full ${activity.dotClass}`}
                    />
                    <span className="truncate font-mono text-[13px] text-ink">{service.name}</span>
                    <span className="sr-only">, {activity.label}</span>
                  </span>
                </th>
                <td className="px-4 py-2.5 text-right font-mono text-[13px] text-ink-soft tabular-nums">
                  {formatCount(service.spanCount)}
                </td>
                <td className="px-4 py-2.5 text-[13px] whitespace-nowrap text-ink-soft">
                  <RelativeTime iso={service.lastSeen} nowMs={nowMs} />
                </td>
                <td className="px-4 py-2.5 text-[13px] whitespace-nowrap text-muted">
                  <RelativeTime iso={service.firstSeen} nowMs={nowMs} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
