import type { ObservedSplit, RouteSplitSeries } from "./contract";

/**
 * Reshapes GET /routes/{id}/split into chart rows: one row per bucket with, for every
 * version, the configured weight (%) and the observed share (%) from the LB counters and
 * from spans. A bucket without requests from a source has null there (a gap, not 0 %).
 */

export type SplitSource = "configured" | "lb" | "spans";

/** The row member for a version and a source: `lb:v1`. */
export const splitKey = (source: SplitSource, version: string) => `${source}:${version}`;

export type SplitChartRow = {
  /** Bucket start, ms since the epoch. */
  t: number;
  /** Requests seen by each source in the bucket. */
  lbTotal: number;
  spansTotal: number;
} & Record<string, number | null>;

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

export function toSplitChartRows(series: Pick<RouteSplitSeries, "versions" | "points">): SplitChartRow[] {
  return series.points.map((point) => {
    const lbTotal = total(point.lb);
    const spansTotal = total(point.spans);
    const row: SplitChartRow = { t: point.t, lbTotal, spansTotal } as SplitChartRow;
    for (const version of series.versions) {
      row[splitKey("configured", version)] = point.configured[version] ?? (Object.keys(point.configured).length > 0 ? 0 : null);
      row[splitKey("lb", version)] = lbTotal > 0 ? ((point.lb[version] ?? 0) / lbTotal) * 100 : null;
      row[splitKey("spans", version)] = spansTotal > 0 ? ((point.spans[version] ?? 0) / spansTotal) * 100 : null;
    }
    return row;
  });
}

export type SplitMarker = { number: number; atMs: number; label: string };

/** Weight changes inside the chart's window, numbered in time order (the list under the chart uses the numbers). */
export function splitChangeMarkers(
  changes: RouteSplitSeries["changes"],
  domainStartMs: number,
  domainEndMs: number,
): SplitMarker[] {
  return changes
    .map((change) => ({ change, atMs: Date.parse(change.at) }))
    .filter(({ atMs }) => atMs >= domainStartMs && atMs <= domainEndMs)
    .sort((a, b) => a.atMs - b.atMs)
    .map(({ change, atMs }, i) => ({
      number: i + 1,
      atMs,
      label: `version ${change.routeVersion} by ${change.actor}${change.reason ? `: ${change.reason}` : ""}`,
    }));
}

/** A version's observed share in percent (0..100), or null when the window had no requests. */
export function sharePercent(split: ObservedSplit, version: string): number | null {
  if (split.total === 0) return null;
  const backend = split.backends.find((b) => b.version === version);
  return (backend?.share ?? 0) * 100;
}
