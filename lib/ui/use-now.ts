"use client";

import { useSyncExternalStore } from "react";

/**
 * One shared one-second clock for every relative time on the page ("12 s ago" keeps
 * counting while refresh is paused). Runs only while something is subscribed.
 */

const TICK_MS = 1_000;
let nowMs = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
const listeners = new Set<() => void>();

function tick() {
  nowMs = Date.now();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    timer = setInterval(tick, TICK_MS);
    // The clock may have been idle; catch up at once rather than on the next tick.
    queueMicrotask(tick);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const getSnapshot = () => nowMs;

/**
 * The current time, ticking every second. `serverNowMs` is used for the server render and
 * hydration (pass something both sides agree on, such as the query's `dataUpdatedAt`), so
 * the first client render matches the HTML; the live clock takes over right after.
 */
export function useNow(serverNowMs: number): number {
  return useSyncExternalStore(subscribe, getSnapshot, () => serverNowMs);
}

const noopSubscribe = () => () => {};

/** False during the server render and hydration, true afterwards. */
export function useIsHydrated(): boolean {
  return useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
}
