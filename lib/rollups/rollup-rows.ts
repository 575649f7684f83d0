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

/** service_minute_totals: the sum of a service's rows over its operations. */
export type ServiceTotalRollupRow = Measures & {
  minuteMs: number;
  serviceName: string;
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
  serviceTotals: ServiceTotalRollupRow[];
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

/**
 * Collects rollup rows keyed by their primary key. Nested maps (service → operation → the few
 * rows of different minutes and kinds) rather than one composite string key: this runs for
 * every span of every batch, and building and hashing a fresh key string per span costs more
 * than the whole rest of the row update.
 */
export class RollupAccumulator {
  private readonly services = new Map<string, Map<string, ServiceRollupRow[]>>();
  private readonly edges = new Map<string, Map<string, EdgeRollupRow[]>>();

  addServiceCall(serviceName: string, operation: string, spanKind: number, call: CallMeasure): void {
    const minuteMs = minuteOfMicros(call.startUs);
    let byOperation = this.services.get(serviceName);
    if (byOperation === undefined) {
      byOperation = new Map();
      this.services.set(serviceName, byOperation);
    }
    let rows = byOperation.get(operation);
    if (rows === undefined) {
      rows = [];
      byOperation.set(operation, rows);
    }
    let row: ServiceRollupRow | undefined;
    for (let i = 0; i < rows.length; i++) {
      if (rows[i].minuteMs === minuteMs && rows[i].spanKind === spanKind) {
        row = rows[i];
        break;
      }
    }
    if (row === undefined) {
      row = { minuteMs, serviceName, operation, spanKind, ...emptyMeasures() };
      rows.push(row);
    }
    addCall(row, call);
  }

  addEdgeCall(callerService: string, callee: string, isVirtual: boolean, call: CallMeasure): void {
    const minuteMs = minuteOfMicros(call.startUs);
    let byCallee = this.edges.get(callerService);
    if (byCallee === undefined) {
      byCallee = new Map();
      this.edges.set(callerService, byCallee);
    }
    let rows = byCallee.get(callee);
    if (rows === undefined) {
      rows = [];
      byCallee.set(callee, rows);
    }
    let row: EdgeRollupRow | undefined;
    for (let i = 0; i < rows.length; i++) {
      if (rows[i].minuteMs === minuteMs && rows[i].isVirtual === isVirtual) {
        row = rows[i];
        break;
      }
    }
    if (row === undefined) {
      row = { minuteMs, callerService, callee, isVirtual, ...emptyMeasures() };
      rows.push(row);
    }
    addCall(row, call);
  }

  /** A copy that can be added to without changing this one. */
  clone(): RollupAccumulator {
    const copy = new RollupAccumulator();
    for (const [service, byOperation] of this.services) {
      const copied = new Map<string, ServiceRollupRow[]>();
      for (const [operation, rows] of byOperation) copied.set(operation, rows.map(copyRow));
      copy.services.set(service, copied);
    }
    for (const [caller, byCallee] of this.edges) {
      const copied = new Map<string, EdgeRollupRow[]>();
      for (const [callee, rows] of byCallee) copied.set(callee, rows.map(copyRow));
      copy.edges.set(caller, copied);
    }
    return copy;
  }

  /** The distinct minutes (epoch ms) of the rows. */
  minutesMs(): Set<number> {
    const minutes = new Set<number>();
    for (const byOperation of this.services.values())
      for (const rows of byOperation.values()) for (const row of rows) minutes.add(row.minuteMs);
    for (const byCallee of this.edges.values())
      for (const rows of byCallee.values()) for (const row of rows) minutes.add(row.minuteMs);
    return minutes;
  }

  /** The rows, each list sorted by its table's primary key order. */
  rows(): RollupRows {
    const services: ServiceRollupRow[] = [];
    for (const byOperation of this.services.values()) for (const rows of byOperation.values()) services.push(...rows);
    const edges: EdgeRollupRow[] = [];
    for (const byCallee of this.edges.values()) for (const rows of byCallee.values()) edges.push(...rows);
    return { services: sortServiceRows(services), serviceTotals: totalsOf(services), edges: sortEdgeRows(edges) };
  }
}

/** Sums rows sorted by (service, minute, operation, kind) over operations, in (service, minute, kind) order. */
function totalsOf(sorted: readonly ServiceRollupRow[]): ServiceTotalRollupRow[] {
  const totals: ServiceTotalRollupRow[] = [];
  let start = 0;
  while (start < sorted.length) {
    // One run per (service, minute); within it, one total per kind (few kinds: a linear scan).
    let end = start;
    while (
      end < sorted.length &&
      sorted[end].serviceName === sorted[start].serviceName &&
      sorted[end].minuteMs === sorted[start].minuteMs
    )
      end++;
    const run: ServiceTotalRollupRow[] = [];
    for (let i = start; i < end; i++) {
      const row = sorted[i];
      let total = run.find((t) => t.spanKind === row.spanKind);
      if (total === undefined) {
        total = { minuteMs: row.minuteMs, serviceName: row.serviceName, spanKind: row.spanKind, ...emptyMeasures() };
        run.push(total);
      }
      total.calls += row.calls;
      total.errors += row.errors;
      total.durationSumUs += row.durationSumUs;
      total.histogram.merge(row.histogram);
    }
    totals.push(...run.sort((a, b) => a.spanKind - b.spanKind));
    start = end;
  }
  return totals;
}

function copyRow<T extends Measures>(row: T): T {
  return { ...row, histogram: new LogHistogram().merge(row.histogram) };
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
