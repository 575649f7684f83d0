import Link from "next/link";
import { AlertIcon } from "@/components/ui/icons";
import { SortableHeaderCell } from "@/components/ui/sortable-header-cell";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TraceSummaryDto } from "@/lib/query-client/traces-schemas";
import { assignServiceColors } from "@/lib/traces/assign-service-colors";
import { formatDurationUs } from "@/lib/traces/format-duration";
import { nextTraceSort, sortTraceSummaries, type TraceSort, type TraceSortKey } from "@/lib/traces/sort-trace-summaries";
import { formatCount } from "@/lib/ui/format-number";

type Column = { key: TraceSortKey | null; label: string; align: "left" | "right"; className: string };

const COLUMNS: Column[] = [
  { key: null, label: "Trace", align: "left", className: "" },
  { key: null, label: "Services", align: "left", className: "w-[28%]" },
  { key: "spans", label: "Spans", align: "right", className: "w-20" },
  { key: "errors", label: "Errors", align: "right", className: "w-24" },
  { key: "duration", label: "Duration", align: "right", className: "w-28" },
  { key: "start", label: "Started", align: "left", className: "w-32" },
];

function HeaderCell({ column, sort, onSortChange }: { column: Column; sort: TraceSort; onSortChange: (s: TraceSort) => void }) {
  const base = `px-4 py-0 font-medium ${column.className} ${column.align === "right" ? "text-right" : ""}`;
  if (column.key === null) {
    return (
      <th scope="col" className={`${base} h-9 text-xs tracking-wide text-faint uppercase`}>
        {column.label}
      </th>
    );
  }
  const key = column.key;
  return (
    <SortableHeaderCell
      label={column.label}
      align={column.align}
      className={column.className}
      activeDirection={sort.key === key ? sort.direction : undefined}
      onSort={() => onSortChange(nextTraceSort(sort, key))}
    />
  );
}

/** The search results, sortable; each row links to its trace. Every value is rendered as text. */
export function TraceResultsTable({
  traces,
  sort,
  onSortChange,
  nowMs,
  traceHref,
}: {
  traces: TraceSummaryDto[];
  sort: TraceSort;
  onSortChange: (sort: TraceSort) => void;
  nowMs: number;
  traceHref: (traceId: string) => string;
}) {
  const rows = sortTraceSummaries(traces, sort);
  const colors = assignServiceColors(traces.flatMap((t) => t.serviceNames));
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[760px] table-fixed border-collapse text-sm">
        <caption className="sr-only">Matching traces. Sortable column headers reorder the list.</caption>
        <thead>
          <tr className="border-b border-line text-left">
            {COLUMNS.map((column) => (
              <HeaderCell key={column.label} column={column} sort={sort} onSortChange={onSortChange} />
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((trace) => (
            <tr
              key={trace.traceId}
              className="border-b border-line/70 last:border-b-0 hover:bg-panel-raised/60"
              data-testid="trace-row"
            >
              <th scope="row" className="px-4 py-2 text-left font-normal">
                <Link href={traceHref(trace.traceId)} className="group block min-w-0 rounded">
                  <span className="flex min-w-0 items-baseline gap-2">
                    <span className="shrink-0 font-mono text-[13px] text-muted">{trace.rootServiceName}</span>
                    <span
                      className="truncate text-[13px] font-medium text-ink group-hover:text-accent"
                      title={trace.rootSpanName}
                    >
                      {trace.rootSpanName}
                    </span>
                  </span>
                  <span className="block font-mono text-[11px] text-faint">
                    {trace.traceId.slice(0, 16)}
                    {!trace.hasRootSpan && <span className="ml-2 text-warn">root span missing</span>}
                  </span>
                </Link>
              </th>
              <td className="px-4 py-2">
                <ul className="flex flex-wrap gap-1" aria-label="Services">
                  {trace.serviceNames.map((name) => (
                    <li
                      key={name}
                      className="flex items-center gap-1 rounded bg-panel-raised px-1.5 py-0.5 font-mono text-[11px] text-ink-soft"
                    >
                      <span aria-hidden="true" className="size-1.5 rounded-full" style={{ backgroundColor: colors.get(name) }} />
                      {name}
                    </li>
                  ))}
                </ul>
              </td>
              <td className="px-4 py-2 text-right font-mono text-[13px] text-ink-soft tabular-nums">
                {formatCount(trace.spanCount)}
              </td>
              <td className="px-4 py-2 text-right">
                {trace.errorSpanCount > 0 ? (
                  <span className="inline-flex items-center gap-1 rounded bg-bad/15 px-1.5 py-0.5 text-xs font-medium text-bad">
                    <AlertIcon className="size-3.5" />
                    {formatCount(trace.errorSpanCount)}
                    <span className="sr-only"> error spans</span>
                  </span>
                ) : (
                  <span className="text-xs text-faint">–</span>
                )}
              </td>
              <td className="px-4 py-2 text-right font-mono text-[13px] text-ink tabular-nums">
                {formatDurationUs(trace.durationUs)}
              </td>
              <td className="px-4 py-2 text-[13px] whitespace-nowrap text-ink-soft">
                <RelativeTime iso={new Date(trace.startTimeUs / 1_000).toISOString()} nowMs={nowMs} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
