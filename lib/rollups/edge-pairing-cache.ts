/**
 * The short in-memory memory of edge pairing, one per process and database: CLIENT/PRODUCER
 * spans still waiting for their SERVER/CONSUMER child ("pending clients"), and SERVER/CONSUMER
 * spans whose parent has not been seen ("orphan servers"), both keyed by trace id + the
 * client's span id. Entries live `ttlMs` (default 30 s, from when they were stored); a pending
 * client that expires becomes an edge to its server child if the database holds one, else to
 * a virtual node (compute-rollups); an orphan that expires is forgotten (its client's side,
 * here or in another process, counts the edge).
 *
 * Changes are transactional with the span transaction: computeRollups *takes* the entries it
 * pairs (so two concurrent batches cannot pair the same one), and the plan either commits its
 * additions after COMMIT or gives the taken entries back after a rollback.
 *
 * Bounded: past `maxEntries` per map the oldest entries are evicted as if expired.
 *
 * The maps are keyed by the client's span id alone (64 random bits, a flat string already;
 * a trace id + span id key would be built and hashed per lookup) and the trace id is checked
 * on a hit; an entry whose span id is taken by another trace goes to a second map under the
 * full key (generators with sequential span ids do that).
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

/** A pair completed in memory at commit time, waiting for the next batch to write it. */
export type ReadyEdge = { callerService: string; callee: string; call: CallMeasure };

export type EdgePairingCacheOptions = {
  /**
   * Whether a client still unpaired at its TTL looks for its server child in the database
   * (lookUpExpiredChildren, one query per flush for all of them): the child may have been
   * written by another ingest process, or by this one before a restart. false: such a client
   * becomes a virtual edge without asking. Default true.
   */
  pairsInDatabase?: boolean;
  /** How long an unpaired span waits for its other half (ms). Default 30 000: SDKs export every few seconds (5 s by default), and a child ends before its parent. */
  ttlMs?: number;
  /** Per map; the oldest entries are evicted past it. Default 200 000. */
  maxEntries?: number;
};

export function pairingKey(traceId: string, clientSpanId: string): string {
  return traceId + clientSpanId;
}

/** Entries by client span id, with the trace id checked; span ids shared by traces kept apart. */
class SpanIdMap<T extends { traceId: string; expiresAtMs: number }> {
  private readonly bySpanId = new Map<string, T>();
  private readonly byFullKey = new Map<string, T>();

  get size(): number {
    return this.bySpanId.size + this.byFullKey.size;
  }

  take(traceId: string, spanId: string): T | undefined {
    const entry = this.bySpanId.get(spanId);
    if (entry !== undefined && entry.traceId === traceId) {
      this.bySpanId.delete(spanId);
      return entry;
    }
    if (this.byFullKey.size === 0) return undefined;
    const key = pairingKey(traceId, spanId);
    const other = this.byFullKey.get(key);
    if (other !== undefined) this.byFullKey.delete(key);
    return other;
  }

  put(spanId: string, entry: T): void {
    const existing = this.bySpanId.get(spanId);
    if (existing === undefined || existing.traceId === entry.traceId) this.bySpanId.set(spanId, entry);
    else this.byFullKey.set(pairingKey(entry.traceId, spanId), entry);
  }

  /** Removes and returns the entries expired by `nowMs`, then the oldest while over `maxEntries`. */
  takeExpired(nowMs: number, maxEntries: number): T[] {
    const expired: T[] = [];
    for (const map of [this.bySpanId, this.byFullKey]) {
      // Insertion order is expiry order (every entry gets now + ttl), so the scan stops early.
      for (const [key, entry] of map) {
        if (entry.expiresAtMs > nowMs && this.size <= maxEntries) break;
        map.delete(key);
        expired.push(entry);
      }
    }
    return expired;
  }
}

export class EdgePairingCache {
  readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly pending = new SpanIdMap<PendingClient>();
  private readonly orphans = new SpanIdMap<OrphanServer>();
  private readyEdges: ReadyEdge[] = [];
  readonly pairsInDatabase: boolean;

  constructor(options: EdgePairingCacheOptions = {}) {
    this.pairsInDatabase = options.pairsInDatabase ?? true;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 200_000;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get orphanCount(): number {
    return this.orphans.size;
  }

  /** Removes and returns the pairs completed at commit time (see pairsInDatabase). */
  takeReadyEdges(): ReadyEdge[] {
    const edges = this.readyEdges;
    if (edges.length > 0) this.readyEdges = [];
    return edges;
  }

  /** Queues pairs for the next batch (also gives back those of a batch that rolled back). */
  putReadyEdges(edges: readonly ReadyEdge[]): void {
    for (const edge of edges) this.readyEdges.push(edge);
  }

  takePending(traceId: string, clientSpanId: string): PendingClient | undefined {
    return this.pending.take(traceId, clientSpanId);
  }

  takeOrphan(traceId: string, clientSpanId: string): OrphanServer | undefined {
    return this.orphans.take(traceId, clientSpanId);
  }

  /**
   * Removes and returns the pending clients that expired by `nowMs`, and those evicted
   * because the map is over its bound; drops expired orphans and markers.
   */
  takeExpiredPending(nowMs: number): PendingClient[] {
    const expired = this.pending.takeExpired(nowMs, this.maxEntries);
    this.orphans.takeExpired(nowMs, this.maxEntries);
    return expired;
  }

  /** Stores (or gives back) a pending client. */
  putPending(entry: PendingClient): void {
    this.pending.put(entry.spanId, entry);
  }

  putOrphan(entry: OrphanServer): void {
    this.orphans.put(entry.parentSpanId, entry);
  }
}
