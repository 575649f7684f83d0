/**
 * The load generator's traffic model, kept pure for tests: which action a simulated user
 * takes (a realistic shop mix) and when the next request starts (a Poisson process: exponential
 * gaps around 1/rate, so traffic has natural jitter instead of a metronome).
 */

export const LOAD_ACTIONS = ["browse", "detail", "placeOrder", "getOrder"] as const;
export type LoadAction = (typeof LOAD_ACTIONS)[number];

/** Shares in percent; they sum to 100. */
export const LOAD_MIX: Record<LoadAction, number> = { browse: 60, detail: 20, placeOrder: 15, getOrder: 5 };

/**
 * The action for a draw `random` ∈ [0, 1). Reading an order needs one placed before: without
 * any, the draw becomes a browse (the most common action), keeping the mix close to the target.
 */
export function pickAction(random: number, hasOrders: boolean, mix: Record<LoadAction, number> = LOAD_MIX): LoadAction {
  const total = LOAD_ACTIONS.reduce((sum, action) => sum + mix[action], 0);
  let point = random * total;
  for (const action of LOAD_ACTIONS) {
    point -= mix[action];
    if (point < 0) return action === "getOrder" && !hasOrders ? "browse" : action;
  }
  return "browse";
}

/** Milliseconds until the next request at `ratePerSec` (exponential, mean 1000/rate, capped at 5× the mean). */
export function nextGapMs(ratePerSec: number, random: number): number {
  const mean = 1000 / ratePerSec;
  const gap = -Math.log(1 - Math.min(random, 0.999_999)) * mean;
  return Math.max(0, Math.min(gap, 5 * mean));
}

/** 1–3 distinct products, 1–2 of each. */
export function pickOrderItems(productIds: readonly string[], random: () => number): { sku: string; quantity: number }[] {
  const count = Math.min(productIds.length, 1 + Math.floor(random() * 3));
  const pool = [...productIds];
  const items: { sku: string; quantity: number }[] = [];
  for (let i = 0; i < count; i++) {
    const [sku] = pool.splice(Math.floor(random() * pool.length), 1);
    items.push({ sku, quantity: 1 + Math.floor(random() * 2) });
  }
  return items;
}
