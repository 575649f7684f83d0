/**
 * Failed sign-ins, kept in memory: after MAX_FAILURES within WINDOW_MS for a (username,
 * client address), or MAX_FAILURES_PER_NAME for a username from any address, further attempts
 * are refused (429) until the oldest failure leaves the window. The client address is the
 * first X-Forwarded-For entry, which a client can set itself; the per-name count is what
 * keeps a guesser who changes it on every attempt slow. It is higher, so a user's own typos
 * do not reach it, and failures from elsewhere lock a name out only while they keep coming.
 * Per process and lost on restart — enough to make online guessing slow.
 */

export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_MAX_FAILURES_PER_NAME = 20;
export const LOGIN_WINDOW_MS = 60_000;
// Bounds memory under a spray of distinct names/addresses; oldest keys are dropped first.
const MAX_KEYS = 10_000;

export type LoginThrottle = {
  /** Seconds until another attempt is allowed, or 0 when one is allowed now. */
  retryAfterS(username: string, address: string, now?: number): number;
  /**
   * Counts an attempt whose password is still being checked against the limits (else a burst
   * of concurrent attempts would all pass before the first failure is recorded); call the
   * returned function once it has been decided.
   */
  begin(username: string, address: string): () => void;
  recordFailure(username: string, address: string, now?: number): void;
  /** A successful sign-in forgets the failures of that name from that address (not the per-name count). */
  reset(username: string, address: string): void;
};

export function createLoginThrottle(
  options: { maxFailures?: number; maxFailuresPerName?: number; windowMs?: number } = {},
): LoginThrottle {
  const maxFailures = options.maxFailures ?? LOGIN_MAX_FAILURES;
  const maxFailuresPerName = options.maxFailuresPerName ?? LOGIN_MAX_FAILURES_PER_NAME;
  const windowMs = options.windowMs ?? LOGIN_WINDOW_MS;
  const failures = new Map<string, number[]>();
  const keyOf = (username: string, address: string) => `a\u0000${username.toLowerCase()}\u0000${address}`;
  const nameKeyOf = (username: string) => `n\u0000${username.toLowerCase()}`;
  const inFlight = new Map<string, number>();
  const waitS = (key: string, limit: number, now: number) => {
    const times = recent(key, now);
    if (times.length + (inFlight.get(key) ?? 0) < limit) return 0;
    // Full with attempts still being checked: they are decided within a second or so.
    if (times.length < limit) return 1;
    return Math.max(1, Math.ceil((times[times.length - limit] + windowMs - now) / 1000));
  };
  const addInFlight = (key: string, delta: number) => {
    const count = (inFlight.get(key) ?? 0) + delta;
    if (count > 0) inFlight.set(key, count);
    else inFlight.delete(key);
  };
  const record = (key: string, now: number) => {
    const times = recent(key, now);
    failures.delete(key);
    failures.set(key, [...times, now]);
    if (failures.size > MAX_KEYS) failures.delete(failures.keys().next().value as string);
  };
  const recent = (key: string, now: number) => {
    const times = (failures.get(key) ?? []).filter((at) => now - at < windowMs);
    if (times.length === 0) failures.delete(key);
    else failures.set(key, times);
    return times;
  };
  return {
    retryAfterS(username, address, now = Date.now()) {
      return Math.max(waitS(keyOf(username, address), maxFailures, now), waitS(nameKeyOf(username), maxFailuresPerName, now));
    },
    begin(username, address) {
      const keys = [keyOf(username, address), nameKeyOf(username)];
      for (const key of keys) addInFlight(key, 1);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        for (const key of keys) addInFlight(key, -1);
      };
    },
    recordFailure(username, address, now = Date.now()) {
      record(keyOf(username, address), now);
      record(nameKeyOf(username), now);
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
