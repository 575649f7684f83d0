/**
 * Rollup rows of one batch: per-minute service stats for every span, and per-minute edge
 * stats from pairing each CLIENT/PRODUCER span with the SERVER/CONSUMER span whose parent it
 * is. Each edge is counted exactly once, by whoever sees the second half of the pair:
 *
 * 1. in the batch;
 * 2. else in the process's EdgePairingCache (the other half came in an earlier batch);
 * 3. else in the database (pairFromDatabase, inside the span transaction, after the spans are
 *    written): the other half was written by another process, or by one of ours before its
 *    cache entry was stored. A per-trace advisory lock makes two transactions holding the two
 *    halves run their lookups one after the other, so the later one always sees the earlier.
 *    Halves still unpaired are stored in the cache on commit. With a single ingest process
 *    (EdgePairingCache pairsInDatabase: false) there are no lookups: the halves of two of our
 *    batches in flight at once meet in the cache when the second commits, and that edge is
 *    written with the next batch.
 *
 * Virtual nodes (uninstrumented peers): a client span with db.system(.name) or
 * messaging.system is an edge to that system at once (a database never sends spans; for
 * messaging the consumer side is not paired again). Any other client waits up to the cache
 * TTL for its child; then, if the database holds no child either (one written later than the
 * client was counted by its writer), it becomes an edge to peer.service, server.address or
 * "unknown". A server half that arrives later than the TTL after its client was flushed is
 * counted again, as a real edge: the one case where an edge counts twice.
 *
 * Usage (the span writer), per batch, with one EdgePairingCache per process and database:
 *   before BEGIN:  plan = computeRollups(summaries, cache, { nowMs });
 *                  await ensureRollupPartitions(client, plan.dayStartsMs, partitionCacheOwner);
 *   in the transaction, after the spans (and, if the COPY found duplicates, after
 *   plan.abort(); plan = computeRollups(summaries of the NEW spans only, cache, { nowMs })),
 *   last before COMMIT: await writeBatchRollups(client, plan);
 *   after COMMIT: plan.commit(); after a rollback: plan.abort() (exactly one of the two; a
 *   retry plans again).
 * flushExpiredEdges writes expired clients' virtual edges when no batch arrives.
 */
import { SPAN_KIND, STATUS_CODE } from "@/lib/otlp/model";
import {
  EdgePairingCache,
  pairingKey,
  type OrphanServer,
  type PendingClient,
  type ReadyEdge,
} from "@/lib/rollups/edge-pairing-cache";
import { RollupAccumulator, minuteOfMicros, type CallMeasure, type RollupRows } from "@/lib/rollups/rollup-rows";
import type { SpanSummary } from "@/lib/rollups/span-summary";

const DAY_MS = 86_400_000;
export const UNKNOWN_PEER = "unknown";

function isClientKind(kind: number): boolean {
  return kind === SPAN_KIND.CLIENT || kind === SPAN_KIND.PRODUCER;
}

function isServerKind(kind: number): boolean {
  return kind === SPAN_KIND.SERVER || kind === SPAN_KIND.CONSUMER;
}

function callOf(span: SpanSummary): CallMeasure {
  return { startUs: span.startUs, durationNs: span.durationNs, isError: span.statusCode === STATUS_CODE.ERROR };
}

/** The virtual node a client span is an edge to at once, or undefined when it waits for a child. */
function immediateVirtualCallee(span: SpanSummary): string | undefined {
  return span.peer?.dbSystem ?? span.peer?.messagingSystem;
}

/** The virtual node a client span becomes when no child shows up. */
function fallbackVirtualCallee(span: SpanSummary): string {
  return span.peer?.peerService ?? span.peer?.serverAddress ?? UNKNOWN_PEER;
}

/** A server span whose client parent must be looked up in the database. */
export type ParentLookup = { traceId: string; parentSpanId: string; serviceName: string; startUs: number };

/** A client span whose server child must be looked up in the database. */
export type ChildLookup = PendingClient & { isExpired: boolean };

/** What pairFromDatabase found: client halves per pairing key, server services per pairing key. */
export type DatabasePairs = {
  /** Pairing key → the client span (a row of `spans`) that is the parent of a ParentLookup. */
  parents: Map<string, { serviceName: string; call: CallMeasure }>;
  /** Pairing key → the service of a server span that is a child of a ChildLookup. */
  children: Map<string, string>;
};

function pendingOf(lookup: ChildLookup): PendingClient {
  const { traceId, spanId, serviceName, call, virtualCallee, expiresAtMs } = lookup;
  return { traceId, spanId, serviceName, call, virtualCallee, expiresAtMs };
}

export type ComputeRollupsOptions = { nowMs?: number };

export class RollupPlan {
  private databasePairs: DatabasePairs | undefined;
  private state: "open" | "committed" | "aborted" = "open";

  constructor(
    private readonly cache: EdgePairingCache,
    private readonly nowMs: number,
    private readonly accumulator: RollupAccumulator,
    /** Server spans whose parent was not in the batch or the cache. */
    readonly parentLookups: readonly ParentLookup[],
    /** Fresh unpaired clients, and pending clients that expired. */
    readonly childLookups: readonly ChildLookup[],
    /** Cache entries this plan took (paired from the batch); given back on abort. */
    private readonly takenPending: readonly PendingClient[],
    private readonly takenOrphans: readonly OrphanServer[],
    private readonly takenReadyEdges: readonly ReadyEdge[],
    /**
     * Start (ms) of every UTC day a row of this plan can fall in: those of the batch, of the
     * cached halves and of the clients looked up. ensureRollupPartitions takes it before
     * BEGIN. (A client found in the database was written earlier, and its day's partitions
     * were ensured then.)
     */
    readonly dayStartsMs: ReadonlySet<number>,
  ) {}

  /** Pairs completed in memory by an earlier commit that this plan writes. */
  get readyEdgeCount(): number {
    return this.takenReadyEdges.length;
  }

  /** Whether pairFromDatabase looks anything up (EdgePairingCache pairsInDatabase). */
  get pairsInDatabase(): boolean {
    return this.cache.pairsInDatabase;
  }

  /** Trace ids that need the database, sorted (the advisory lock order). */
  traceIdsToLock(): string[] {
    const ids = new Set<string>();
    for (const lookup of this.parentLookups) ids.add(lookup.traceId);
    for (const lookup of this.childLookups) ids.add(lookup.traceId);
    return [...ids].sort();
  }

  /** Records what the database lookups found (pairFromDatabase). */
  setDatabasePairs(pairs: DatabasePairs): void {
    this.databasePairs = pairs;
  }

  /** The rows to upsert: the batch and cache pairs, plus what the database lookups decided. */
  rows(): RollupRows {
    const accumulator = this.accumulator.clone();
    const pairs = this.databasePairs;
    for (const lookup of this.parentLookups) {
      const parent = pairs?.parents.get(pairingKey(lookup.traceId, lookup.parentSpanId));
      if (parent !== undefined) accumulator.addEdgeCall(parent.serviceName, lookup.serviceName, false, parent.call);
    }
    for (const lookup of this.childLookups) {
      const childService = pairs?.children.get(pairingKey(lookup.traceId, lookup.spanId));
      if (lookup.isExpired) {
        // A child in the database was written after this client and counted by its writer.
        if (childService === undefined) accumulator.addEdgeCall(lookup.serviceName, lookup.virtualCallee, true, lookup.call);
      } else if (childService !== undefined) {
        accumulator.addEdgeCall(lookup.serviceName, childService, false, lookup.call);
      }
    }
    return accumulator.rows();
  }

  /** After COMMIT: store the halves still waiting, forget those paired through the database. */
  commit(): void {
    this.finish("committed");
    const pairs = this.databasePairs;
    // Without database pairing, a half that a concurrent batch of ours stored meanwhile is
    // matched here; the edge is written with the next batch.
    const ready: ReadyEdge[] = [];
    const inMemory = !this.cache.pairsInDatabase;
    for (const lookup of this.parentLookups) {
      const key = pairingKey(lookup.traceId, lookup.parentSpanId);
      const pending = inMemory ? this.cache.takePending(lookup.traceId, lookup.parentSpanId) : undefined;
      if (pending !== undefined)
        ready.push({ callerService: pending.serviceName, callee: lookup.serviceName, call: pending.call });
      else if (pairs?.parents.has(key)) this.cache.markPaired(lookup.traceId, lookup.parentSpanId, this.nowMs);
      else
        this.cache.putOrphan({
          traceId: lookup.traceId,
          parentSpanId: lookup.parentSpanId,
          serviceName: lookup.serviceName,
          expiresAtMs: this.nowMs + this.cache.ttlMs,
        });
    }
    for (const lookup of this.childLookups) {
      if (lookup.isExpired) continue;
      const key = pairingKey(lookup.traceId, lookup.spanId);
      const orphan = inMemory ? this.cache.takeOrphan(lookup.traceId, lookup.spanId) : undefined;
      if (orphan !== undefined) ready.push({ callerService: lookup.serviceName, callee: orphan.serviceName, call: lookup.call });
      else if (pairs?.children.has(key)) this.cache.markPaired(lookup.traceId, lookup.spanId, this.nowMs);
      else this.cache.putPending(pendingOf(lookup));
    }
    this.cache.putReadyEdges(ready);
  }

  /** After a rollback: give back what this plan took from the cache (a retry plans again). */
  abort(): void {
    this.finish("aborted");
    for (const entry of this.takenPending) this.cache.putPending(entry);
    for (const entry of this.takenOrphans) this.cache.putOrphan(entry);
    this.cache.putReadyEdges(this.takenReadyEdges);
    for (const lookup of this.childLookups) {
      if (!lookup.isExpired) continue;
      this.cache.putPending(pendingOf(lookup));
    }
  }

  private finish(state: "committed" | "aborted"): void {
    if (this.state !== "open") throw new Error(`rollup plan already ${this.state}`);
    this.state = state;
  }
}

/**
 * Plans the rollups of one batch of NEW spans (duplicates must be left out by the caller).
 * Takes the cache entries it pairs and the pending clients that expired; the caller must end
 * the plan with commit() or abort().
 */
export function computeRollups(
  spans: readonly SpanSummary[],
  cache: EdgePairingCache,
  options: ComputeRollupsOptions = {},
): RollupPlan {
  const nowMs = options.nowMs ?? Date.now();
  const accumulator = new RollupAccumulator();
  const days = new Set<number>();
  const addDay = (startUs: number) => days.add(Math.floor(minuteOfMicros(startUs) / DAY_MS) * DAY_MS);

  // Index the batch by span id (a flat string already; see EdgePairingCache), the trace id
  // checked on a hit; the rare span id shared by two traces goes to `collisions`. A span
  // repeated within the batch counts once.
  const bySpanId = new Map<string, SpanSummary>();
  const collisions = new Map<string, SpanSummary>();
  const unique: SpanSummary[] = [];
  for (const span of spans) {
    const seen = bySpanId.get(span.spanId);
    if (seen !== undefined) {
      if (seen.traceId === span.traceId) continue;
      const key = pairingKey(span.traceId, span.spanId);
      if (collisions.has(key)) continue;
      collisions.set(key, span);
    } else {
      bySpanId.set(span.spanId, span);
    }
    unique.push(span);
    accumulator.addServiceCall(span.serviceName, span.name, span.kind, callOf(span));
    addDay(span.startUs);
  }
  const findInBatch = (traceId: string, spanId: string): SpanSummary | undefined => {
    const span = bySpanId.get(spanId);
    if (span === undefined) return undefined;
    if (span.traceId === traceId) return span;
    return collisions.size === 0 ? undefined : collisions.get(pairingKey(traceId, spanId));
  };

  const pairedClients = new Set<SpanSummary>();
  const takenPending: PendingClient[] = [];
  const takenOrphans: OrphanServer[] = [];
  const parentLookups: ParentLookup[] = [];
  const childLookups: ChildLookup[] = [];

  // Servers: their client parent in the batch, else in the cache, else the database.
  for (const span of unique) {
    if (!isServerKind(span.kind) || span.parentSpanId === undefined) continue;
    // The producer side of a messaging span was an edge to the messaging system already.
    if (span.kind === SPAN_KIND.CONSUMER && span.peer?.messagingSystem !== undefined) continue;
    const parent = findInBatch(span.traceId, span.parentSpanId);
    if (parent !== undefined) {
      if (!isClientKind(parent.kind) || immediateVirtualCallee(parent) !== undefined || pairedClients.has(parent)) continue;
      pairedClients.add(parent);
      accumulator.addEdgeCall(parent.serviceName, span.serviceName, false, callOf(parent));
      continue;
    }
    const pending = cache.takePending(span.traceId, span.parentSpanId);
    if (pending !== undefined) {
      takenPending.push(pending);
      accumulator.addEdgeCall(pending.serviceName, span.serviceName, false, pending.call);
      addDay(pending.call.startUs);
      continue;
    }
    parentLookups.push({
      traceId: span.traceId,
      parentSpanId: span.parentSpanId,
      serviceName: span.serviceName,
      startUs: span.startUs,
    });
  }

  // Clients not paired above: virtual at once, else a server child in the cache, else the database.
  for (const span of unique) {
    if (!isClientKind(span.kind) || pairedClients.has(span)) continue;
    const virtualCallee = immediateVirtualCallee(span);
    if (virtualCallee !== undefined) {
      accumulator.addEdgeCall(span.serviceName, virtualCallee, true, callOf(span));
      continue;
    }
    const orphan = cache.orphanCount === 0 ? undefined : cache.takeOrphan(span.traceId, span.spanId);
    if (orphan !== undefined) {
      takenOrphans.push(orphan);
      accumulator.addEdgeCall(span.serviceName, orphan.serviceName, false, callOf(span));
      continue;
    }
    childLookups.push({
      traceId: span.traceId,
      spanId: span.spanId,
      serviceName: span.serviceName,
      call: callOf(span),
      virtualCallee: fallbackVirtualCallee(span),
      expiresAtMs: nowMs + cache.ttlMs,
      isExpired: false,
    });
  }

  // Pairs completed in memory when an earlier batch committed.
  const takenReadyEdges = cache.takeReadyEdges();
  for (const edge of takenReadyEdges) {
    accumulator.addEdgeCall(edge.callerService, edge.callee, false, edge.call);
    addDay(edge.call.startUs);
  }

  // Clients that waited their TTL: virtual, unless the database holds a child.
  for (const entry of cache.takeExpiredPending(nowMs)) {
    childLookups.push({ ...entry, isExpired: true });
    addDay(entry.call.startUs);
  }

  return new RollupPlan(
    cache,
    nowMs,
    accumulator,
    parentLookups,
    childLookups,
    takenPending,
    takenOrphans,
    takenReadyEdges,
    days,
  );
}
