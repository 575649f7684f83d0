"use client";

import Link from "next/link";
import { ERROR_RATE_TEXT_CLASS } from "@/components/ui/error-rate-class";
import { SortableHeaderCell } from "@/components/ui/sortable-header-cell";
import type { ServiceOperationDto } from "@/lib/query-client/service-detail-schemas";
import { formatLatencyUs, formatPercent, formatRate } from "@/lib/service-detail/format-service-detail";
import { type OperationFilter, SPAN_KIND_LABELS } from "@/lib/service-detail/service-detail-params";
import { classifyErrors } from "@/lib/ui/health";
import {
  nextOperationSort,
  type OperationSort,
  type OperationSortKey,
  sortOperations,
} from "@/lib/service-detail/sort-operations";

const COLUMNS: { key: OperationSortKey; label: string; align: "left" | "right"; className: string }[] = [
  { key: "operation", label: "Operation", align: "left", className: "text-left" },
  { key: "kind", label: "Kind", align: "left", className: "w-24 text-left" },
  { key: "rate", label: "Rate", align: "right", className: "w-32" },
  { key: "errors", label: "Errors", align: "right", className: "w-24" },
  { key: "p50", label: "p50", align: "right", className: "w-24" },
  { key: "p95", label: "p95", align: "right", className: "w-24" },
  { key: "p99", label: "p99", align: "right", className: "w-24" },
];

const isSelected = (operation: ServiceOperationDto, filter: OperationFilter | null) =>
  filter !== null && filter.name === operation.operation && (filter.spanKind === null || filter.spanKind === operation.spanKind);

/**
 * Each operation of the service over the window. The name is a button that charts that
 * operation alone (the filter goes into the URL); "Traces" opens the trace search for it.
 * Names are plain text whatever they contain.
 */
export function OperationsTable({
  operations,
  sort,
  filter,
  onSortChange,
  onSelect,
  tracesHref,
}: {
  operations: readonly ServiceOperationDto[];
  sort: OperationSort;
  filter: OperationFilter | null;
  onSortChange: (sort: OperationSort) => void;
  onSelect: (filter: OperationFilter | null) => void;
  tracesHref: (operation: string) => string;
}) {
  const sorted = sortOperations(operations, sort);
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[760px] table-fixed text-sm" data-testid="operations-table">
        <thead className="border-b border-line">
          <tr>
            {COLUMNS.map((column) => (
              <SortableHeaderCell
                key={column.key}
                label={column.label}
                align={column.align}
                className={column.className}
                activeDirection={sort.key === column.key ? sort.direction : undefined}
                onSort={() => onSortChange(nextOperationSort(sort, column.key))}
              />
            ))}
            <th scope="col" className="w-20 px-4 text-right text-xs font-medium tracking-wide text-faint uppercase">
              <span className="sr-only">Links</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {sorted.map((operation) => {
            const selected = isSelected(operation, filter);
            return (
              <tr
                key={`${operation.spanKind}:${operation.operation}`}
                className={selected ? "bg-accent/[0.07] shadow-[inset_3px_0_0] shadow-accent" : "hover:bg-panel-raised/50"}
                data-testid="operation-row"
                data-operation={operation.operation}
              >
                <td className="px-4 py-2">
                  <button
                    type="button"
                    aria-pressed={selected}
                    onClick={() => onSelect(selected ? null : { name: operation.operation, spanKind: operation.spanKind })}
                    title={selected ? "Show the whole service in the charts" : "Chart this operation"}
                    className="max-w-full truncate rounded text-left font-medium text-ink hover:text-accent"
                  >
                    {operation.operation}
                  </button>
                </td>
                <td className="px-4 py-2 text-ink-soft">{SPAN_KIND_LABELS[operation.spanKind]}</td>
                <td className="px-4 py-2 text-right whitespace-nowrap text-ink tabular-nums">{formatRate(operation.ratePerS)}</td>
                <td
                  className={`px-4 py-2 text-right whitespace-nowrap tabular-nums ${ERROR_RATE_TEXT_CLASS[classifyErrors(operation.errors, operation.calls)]}`}
                >
                  {formatPercent(operation.errorPct)}
                </td>
                <td className="px-4 py-2 text-right whitespace-nowrap text-ink-soft tabular-nums">
                  {formatLatencyUs(operation.p50Us)}
                </td>
                <td className="px-4 py-2 text-right whitespace-nowrap text-ink tabular-nums">
                  {formatLatencyUs(operation.p95Us)}
                </td>
                <td className="px-4 py-2 text-right whitespace-nowrap text-ink-soft tabular-nums">
                  {formatLatencyUs(operation.p99Us)}
                </td>
                <td className="px-4 py-2 text-right">
                  <Link
                    href={tracesHref(operation.operation)}
                    className="rounded text-xs font-medium text-accent hover:underline"
                    aria-label={`Traces of ${operation.operation}`}
                  >
                    Traces
                  </Link>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
