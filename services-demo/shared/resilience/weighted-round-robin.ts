/**
 * Smooth weighted round robin, exactly nginx's algorithm (ngx_http_upstream_get_peer): on every
 * pick each eligible item's current weight grows by its weight, the item with the largest current
 * weight wins (ties → first in list order) and loses the total. Weights {a:5,b:1,c:1} give
 * a,a,b,a,c,a,a — the heavy item is spread out instead of sent in a burst.
 */

export type WeightedItem<K extends string = string> = {
  key: K;
  /** Integer ≥ 0; 0 = never picked. */
  weight: number;
};

export type SmoothWeightedRoundRobin<K extends string = string> = {
  /**
   * The next key, or undefined when no eligible item has a weight above zero. `isEligible`
   * filters items for this pick only (nginx skips down peers the same way): ineligible items
   * neither gain nor lose current weight, so the remaining weights are renormalized implicitly.
   */
  pick(isEligible?: (key: K) => boolean): K | undefined;
  /**
   * Replace the item set. Items whose key stays keep their current weight, so a config refresh
   * continues the rotation instead of restarting it; new items start at 0.
   */
  setItems(items: readonly WeightedItem<K>[]): void;
  items(): readonly WeightedItem<K>[];
};

export function createSmoothWeightedRoundRobin<K extends string = string>(
  items: readonly WeightedItem<K>[] = [],
): SmoothWeightedRoundRobin<K> {
  let entries: { key: K; weight: number; current: number }[] = [];

  const setItems = (next: readonly WeightedItem<K>[]) => {
    const previous = new Map(entries.map((entry) => [entry.key, entry.current]));
    const seen = new Set<K>();
    entries = [];
    for (const item of next) {
      if (seen.has(item.key)) throw new Error(`weighted round robin: duplicate key ${item.key}`);
      if (!Number.isFinite(item.weight) || item.weight < 0) {
        throw new Error(`weighted round robin: weight of ${item.key} must be a finite number ≥ 0, got ${item.weight}`);
      }
      seen.add(item.key);
      entries.push({ key: item.key, weight: item.weight, current: previous.get(item.key) ?? 0 });
    }
  };

  setItems(items);

  return {
    pick(isEligible) {
      let total = 0;
      let best: (typeof entries)[number] | undefined;
      for (const entry of entries) {
        if (entry.weight <= 0 || (isEligible && !isEligible(entry.key))) continue;
        entry.current += entry.weight;
        total += entry.weight;
        // Strictly greater: on a tie the first in list order wins, as in nginx.
        if (!best || entry.current > best.current) best = entry;
      }
      if (!best) return undefined;
      best.current -= total;
      return best.key;
    },
    setItems,
    items: () => entries.map(({ key, weight }) => ({ key, weight })),
  };
}
