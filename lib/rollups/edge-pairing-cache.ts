/**
 * The short in-memory memory of edge pairing, one per process and database: CLIENT/PRODUCER
 * spans still waiting for their SERVER/CONSUMER child ("pending clients"), and SERVER/CONSUMER
 * spans whose parent has not been seen ("orphan servers"), both keyed by trace id + the
 * client's span id. Entries live `ttlMs` (default 60 s, from when they were stored); a pending
 * client that expires becomes an edge to a virtual node (compute-rollups), an orphan that
 * expires is forgotten (if its client ever arrives, the client side finds it in the database).
 *
 * Changes are transactional with the span transaction: computeRollups *takes* the entries it
 * pairs (so two concurrent batches cannot pair the same one), and the plan either commits its
 * additions after COMMIT or gives the taken entries back after a rollback.
 *
 * Bounded: past `maxEntries` per map the oldest entries are evicted as if expired.
 */
import type { CallMeasure } from "@/lib/rollups/rollup-rows";

export type PendingClient = {
  traceId: string;
  spanId: string;
  serviceName: string;
  call: CallMeasure;
  /** The virtual node this client becomes if no child shows up. */
  virtualCallee: string;
  expiresAtMs: number;
};

export type OrphanServer = {
  traceId: string;
  /** The span id of the (missing) parent client. */
  parentSpanId: string;
  serviceName: string;
  expiresAtMs: number;
};

export type EdgePairingCacheOptions = {
  /** How long an unpaired span waits for its other half (ms). Default 60 000. */
  ttlMs?: number;
  /** Per map; the oldest entries are evicted past it. Default 200 000. */
  maxEntries?: number;
};

export function pairingKey(traceId: string, clientSpanId: string): string {
  return traceId + clientSpanId;
}

export class EdgePairingCache {
  readonly ttlMs: number;
  private readonly maxEntries: number;
  /** Insertion order = expiry order (every entry gets now + ttl), so expiry scans the front. */
  private readonly pending = new Map<string, PendingClient>();
  private readonly orphans = new Map<string, OrphanServer>();
  /**
   * Keys paired through the database while this process may still be about to store their
   * other half (a concurrent batch of ours that committed it first): that half must not be
   * stored, or it would be counted again at expiry.
   */
  private readonly pairedElsewhere = new Map<string, number>();

  constructor(options: EdgePairingCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 200_000;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get orphanCount(): number {
    return this.orphans.size;
  }

  takePending(key: string): PendingClient | undefined {
    const entry = this.pending.get(key);
    if (entry !== undefined) this.pending.delete(key);
    return entry;
  }

  takeOrphan(key: string): OrphanServer | undefined {
    const entry = this.orphans.get(key);
    if (entry !== undefined) this.orphans.delete(key);
    return entry;
  }

  /**
   * Removes and returns the pending clients that expired by `nowMs`, and those evicted
   * because the map is over its bound; drops expired orphans and markers.
   */
  takeExpiredPending(nowMs: number): PendingClient[] {
    const expired: PendingClient[] = [];
    for (const [key, entry] of this.pending) {
      if (entry.expiresAtMs > nowMs && this.pending.size <= this.maxEntries) break;
      this.pending.delete(key);
      expired.push(entry);
    }
    for (const [key, entry] of this.orphans) {
      if (entry.expiresAtMs > nowMs && this.orphans.size <= this.maxEntries) break;
      this.orphans.delete(key);
    }
    for (const [key, expiresAtMs] of this.pairedElsewhere) {
      if (expiresAtMs > nowMs) break;
      this.pairedElsewhere.delete(key);
    }
    return expired;
  }

  /** Stores (or gives back) a pending client, unless its pair was counted elsewhere meanwhile. */
  putPending(entry: PendingClient): void {
    const key = pairingKey(entry.traceId, entry.spanId);
    if (this.pairedElsewhere.delete(key)) return;
    this.pending.set(key, entry);
  }

  putOrphan(entry: OrphanServer): void {
    const key = pairingKey(entry.traceId, entry.parentSpanId);
    if (this.pairedElsewhere.delete(key)) return;
    this.orphans.set(key, entry);
  }

  /** A pair was counted from the database: forget either half held here, now or when stored later. */
  markPaired(key: string, nowMs: number): void {
    if (this.pending.delete(key) || this.orphans.delete(key)) return;
    this.pairedElsewhere.delete(key);
    this.pairedElsewhere.set(key, nowMs + this.ttlMs);
    if (this.pairedElsewhere.size > this.maxEntries) {
      this.pairedElsewhere.delete(this.pairedElsewhere.keys().next().value!);
    }
  }
}
