import type { SortDirection } from "@/components/ui/sortable-header-cell";
import { DIR_PARAM, type ParamReader, SORT_PARAM } from "./service-detail-params";

export const OPERATION_SORT_KEYS = ["operation", "kind", "rate", "errors", "p50", "p95", "p99"] as const;
export type OperationSortKey = (typeof OPERATION_SORT_KEYS)[number];
export type OperationSort = { key: OperationSortKey; direction: SortDirection };

/** Busiest first, as the API returns them. */
export const DEFAULT_OPERATION_SORT: OperationSort = { key: "rate", direction: "desc" };

export type SortableOperation = {
  operation: string;
  spanKind: number;
  ratePerS: number;
  errorPct: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
};

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const compareBy: Record<OperationSortKey, (a: SortableOperation, b: SortableOperation) => number> = {
  operation: (a, b) => compareText(a.operation, b.operation),
  kind: (a, b) => a.spanKind - b.spanKind,
  rate: (a, b) => a.ratePerS - b.ratePerS,
  errors: (a, b) => a.errorPct - b.errorPct,
  p50: (a, b) => a.p50Us - b.p50Us,
  p95: (a, b) => a.p95Us - b.p95Us,
  p99: (a, b) => a.p99Us - b.p99Us,
};

/** Text columns start A→Z, number columns largest first; clicking the active column flips it. */
export function nextOperationSort(current: OperationSort, key: OperationSortKey): OperationSort {
  if (current.key === key) return { key, direction: current.direction === "asc" ? "desc" : "asc" };
  return { key, direction: key === "operation" || key === "kind" ? "asc" : "desc" };
}

/** A sorted copy; ties by name then kind, so refreshes do not shuffle rows. */
export function sortOperations<T extends SortableOperation>(operations: readonly T[], sort: OperationSort): T[] {
  const sign = sort.direction === "asc" ? 1 : -1;
  const compare = compareBy[sort.key];
  return [...operations].sort((a, b) => sign * compare(a, b) || compareText(a.operation, b.operation) || a.spanKind - b.spanKind);
}

/** `?sort=p95&dir=asc`; anything unknown falls back to the default. */
export function parseOperationSort(params: ParamReader): OperationSort {
  const key = params.get(SORT_PARAM);
  const found = OPERATION_SORT_KEYS.find((candidate) => candidate === key);
  if (found === undefined) return DEFAULT_OPERATION_SORT;
  const dir = params.get(DIR_PARAM);
  return {
    key: found,
    direction: dir === "asc" ? "asc" : dir === "desc" ? "desc" : nextOperationSort(DEFAULT_OPERATION_SORT, found).direction,
  };
}

export function serializeOperationSort(sort: OperationSort): Record<typeof SORT_PARAM | typeof DIR_PARAM, string | null> {
  const isDefault = sort.key === DEFAULT_OPERATION_SORT.key && sort.direction === DEFAULT_OPERATION_SORT.direction;
  return { [SORT_PARAM]: isDefault ? null : sort.key, [DIR_PARAM]: isDefault ? null : sort.direction };
}
