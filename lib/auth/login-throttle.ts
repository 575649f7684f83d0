/**
 * Failed sign-ins per (username, client address), kept in memory: after MAX_FAILURES within
 * WINDOW_MS further attempts are refused (429) until the oldest failure leaves the window.
 * Per process and lost on restart — enough to make online guessing slow, not an account lock
 * (which would let anyone lock an operator out).
 */

export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 60_000;
// Bounds memory under a spray of distinct names/addresses; oldest keys are dropped first.
const MAX_KEYS = 10_000;

export type LoginThrottle = {
  /** Seconds until another attempt is allowed, or 0 when one is allowed now. */
  retryAfterS(username: string, address: string, now?: number): number;
  recordFailure(username: string, address: string, now?: number): void;
  /** A successful sign-in forgets the failures of that key. */
  reset(username: string, address: string): void;
};

export function createLoginThrottle(options: { maxFailures?: number; windowMs?: number } = {}): LoginThrottle {
  const maxFailures = options.maxFailures ?? LOGIN_MAX_FAILURES;
  const windowMs = options.windowMs ?? LOGIN_WINDOW_MS;
  const failures = new Map<string, number[]>();
  const keyOf = (username: string, address: string) => `${username.toLowerCase()}\u0000${address}`;
  const recent = (key: string, now: number) => {
    const times = (failures.get(key) ?? []).filter((at) => now - at < windowMs);
    if (times.length === 0) failures.delete(key);
    else failures.set(key, times);
    return times;
  };
  return {
    retryAfterS(username, address, now = Date.now()) {
      const times = recent(keyOf(username, address), now);
      if (times.length < maxFailures) return 0;
      return Math.max(1, Math.ceil((times[times.length - maxFailures] + windowMs - now) / 1000));
    },
    recordFailure(username, address, now = Date.now()) {
      const key = keyOf(username, address);
      const times = recent(key, now);
      failures.delete(key);
      failures.set(key, [...times, now]);
      if (failures.size > MAX_KEYS) failures.delete(failures.keys().next().value as string);
    },
    reset(username, address) {
      failures.delete(keyOf(username, address));
    },
  };
}

// One per process; on globalThis so Next.js dev reloads keep the count.
const globals = globalThis as typeof globalThis & { __breakwaterLoginThrottle?: LoginThrottle };

export function getLoginThrottle(): LoginThrottle {
  globals.__breakwaterLoginThrottle ??= createLoginThrottle();
  return globals.__breakwaterLoginThrottle;
}
