import type { ObservedSplit } from "./contract";

/**
 * Requests per version → an observed split (shares of the total, 0 when there is none).
 * Configured versions come first, in their order, even without requests (the page shows them
 * side by side with the configured weights); other versions seen follow, sorted.
 */
export function summarizeSplit(
  window: { fromMs: number; toMs: number },
  requestsByVersion: ReadonlyMap<string, number>,
  configuredVersions: readonly string[],
): ObservedSplit {
  const others = [...requestsByVersion.keys()].filter((version) => !configuredVersions.includes(version)).sort();
  const total = [...requestsByVersion.values()].reduce((sum, n) => sum + n, 0);
  return {
    from: new Date(window.fromMs).toISOString(),
    to: new Date(window.toMs).toISOString(),
    total,
    backends: [...configuredVersions, ...others].map((version) => {
      const requests = requestsByVersion.get(version) ?? 0;
      return { version, requests, share: total === 0 ? 0 : requests / total };
    }),
  };
}

/** Rows of (version, requests) summed per version. */
export function sumByVersion(rows: readonly { version: string; requests: number }[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(row.version, (sums.get(row.version) ?? 0) + row.requests);
  return sums;
}
