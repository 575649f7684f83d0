/**
 * Rollup rows as computed from a batch (compute-rollups) and upserted (write-rollups): one
 * row per key, so one upsert statement never touches a key twice, sorted by key, so every
 * writer locks rows in the same order.
 */
import { LogHistogram, bucketIndexOfNanos } from "@/lib/rollups/log-histogram";
import { compareStrings } from "@/lib/db/attribute-keys";

const MINUTE_US = 60_000_000;
const MINUTE_MS = 60_000;

/** Start of the UTC minute (ms) containing a time in µs since the epoch. */
export function minuteOfMicros(startUs: number): number {
  return Math.floor(startUs / MINUTE_US) * MINUTE_MS;
}

type Measures = {
  calls: number;
  errors: number;
  durationSumUs: number;
  histogram: LogHistogram;
};

export type ServiceRollupRow = Measures & {
  minuteMs: number;
  serviceName: string;
  operation: string;
  spanKind: number;
};

export type EdgeRollupRow = Measures & {
  /** Minute of the client span's start. */
  minuteMs: number;
  callerService: string;
  callee: string;
  isVirtual: boolean;
};

export type RollupRows = {
  services: ServiceRollupRow[];
  edges: EdgeRollupRow[];
};

/** One measured call: a span's own stats, or the client side of an edge. */
export type CallMeasure = { startUs: number; durationNs: number; isError: boolean };

function addCall(row: Measures, call: CallMeasure): void {
  row.calls++;
  if (call.isError) row.errors++;
  row.durationSumUs += Math.round(call.durationNs / 1000);
  row.histogram.addToBucket(bucketIndexOfNanos(call.durationNs), 1);
}

function emptyMeasures(): Measures {
  return { calls: 0, errors: 0, durationSumUs: 0, histogram: new LogHistogram() };
}

/** Collects rollup rows keyed by their primary key. */
export class RollupAccumulator {
  private readonly services = new Map<string, ServiceRollupRow>();
  private readonly edges = new Map<string, EdgeRollupRow>();

  addServiceCall(serviceName: string, operation: string, spanKind: number, call: CallMeasure): void {
    const minuteMs = minuteOfMicros(call.startUs);
    // NUL never occurs in stored text (normalization strips it), so it separates key parts.
    const key = `${serviceName}\0${minuteMs}\0${operation}\0${spanKind}`;
    let row = this.services.get(key);
    if (row === undefined) {
      row = { minuteMs, serviceName, operation, spanKind, ...emptyMeasures() };
      this.services.set(key, row);
    }
    addCall(row, call);
  }

  addEdgeCall(callerService: string, callee: string, isVirtual: boolean, call: CallMeasure): void {
    const minuteMs = minuteOfMicros(call.startUs);
    const key = `${callerService}\0${minuteMs}\0${callee}\0${isVirtual ? 1 : 0}`;
    let row = this.edges.get(key);
    if (row === undefined) {
      row = { minuteMs, callerService, callee, isVirtual, ...emptyMeasures() };
      this.edges.set(key, row);
    }
    addCall(row, call);
  }

  /** A copy that can be added to without changing this one. */
  clone(): RollupAccumulator {
    const copy = new RollupAccumulator();
    for (const [key, row] of this.services)
      copy.services.set(key, { ...row, histogram: new LogHistogram().merge(row.histogram) });
    for (const [key, row] of this.edges) copy.edges.set(key, { ...row, histogram: new LogHistogram().merge(row.histogram) });
    return copy;
  }

  /** The rows, each list sorted by its table's primary key order. */
  rows(): RollupRows {
    return { services: sortServiceRows([...this.services.values()]), edges: sortEdgeRows([...this.edges.values()]) };
  }
}

/** Primary key order of service_minute_stats: (service_name, minute, operation, span_kind). */
export function sortServiceRows(rows: ServiceRollupRow[]): ServiceRollupRow[] {
  return rows.sort(
    (a, b) =>
      compareStrings(a.serviceName, b.serviceName) ||
      a.minuteMs - b.minuteMs ||
      compareStrings(a.operation, b.operation) ||
      a.spanKind - b.spanKind,
  );
}

/** Primary key order of edge_minute_stats: (caller_service, minute, callee, is_virtual). */
export function sortEdgeRows(rows: EdgeRollupRow[]): EdgeRollupRow[] {
  return rows.sort(
    (a, b) =>
      compareStrings(a.callerService, b.callerService) ||
      a.minuteMs - b.minuteMs ||
      compareStrings(a.callee, b.callee) ||
      Number(a.isVirtual) - Number(b.isVirtual),
  );
}
