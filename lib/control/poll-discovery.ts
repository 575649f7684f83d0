import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import type { DiscoveryResponse } from "./contract";
import { getDiscoveryChanges } from "./discovery-changes";
import { getDiscovery } from "./get-discovery";

/** Even without a notification, a waiting poll re-reads this often (lost wake-ups, a listener still connecting). */
export const DISCOVERY_RECHECK_MS = 1_000;

export type PollDiscoveryResult =
  | { changed: true; discovery: DiscoveryResponse }
  /** Nothing changed within waitMs (or the client went away): `version` is still `since`. */
  | { changed: false; version: string };

/**
 * Discovery as a long-poll. Without `since`, or when the content's version differs from it,
 * answers at once. Otherwise waits — woken by a change notification for one of the services
 * or the periodic recheck — until the version differs from `since` or `waitMs` passes, or the
 * signal aborts (the client disconnected).
 */
export async function pollDiscovery(options: {
  services: readonly string[];
  since?: string;
  waitMs: number;
  signal?: AbortSignal;
  pool?: pg.Pool;
}): Promise<PollDiscoveryResult> {
  const pool = options.pool ?? getPool();
  if (options.since === undefined) return { changed: true, discovery: await getDiscovery(options.services, pool) };

  const deadline = Date.now() + options.waitMs;
  // Subscribed before the first read, so a change committed right after it still wakes us.
  const subscription = getDiscoveryChanges().subscribe(options.services);
  try {
    let current = await getDiscovery(options.services, pool);
    while (current.version === options.since) {
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0 || options.signal?.aborted) return { changed: false, version: current.version };
      await subscription.next(Math.min(remainingMs, DISCOVERY_RECHECK_MS), options.signal);
      if (options.signal?.aborted) return { changed: false, version: current.version };
      current = await getDiscovery(options.services, pool);
    }
    return { changed: true, discovery: current };
  } finally {
    subscription.close();
  }
}
