/**
 * Rollup rows of one batch: per-minute service stats for every span, and per-minute edge
 * stats from pairing each CLIENT/PRODUCER span with the SERVER/CONSUMER span whose parent it
 * is. Each edge is counted exactly once, with the client span's minute and latency:
 *
 * 1. in the batch;
 * 2. else in the process's EdgePairingCache: a server whose client is not there waits as an
 *    "orphan", a client whose server is not there waits as "pending"; the later half takes
 *    the earlier one when it is planned, or, for two of our batches written at once, when the
 *    second commits (that edge is written with the next batch);
 * 3. else in the database, once, when a pending client's TTL runs out (flushExpiredEdges, on
 *    the writer's timer, one query for all of them, never in the span transaction): its
 *    server child written by another process (or by us before a restart) makes a real edge;
 *    with none it becomes an edge to a virtual node. Only the client side ever counts, so an
 *    orphan server is simply forgotten at its TTL; no two processes can count one pair.
 *    With EdgePairingCache pairsInDatabase: false (one ingest process) step 3 asks nothing.
 *
 * Virtual nodes (uninstrumented peers): a client span with db.system(.name) or
 * messaging.system is an edge to that system at once (a database never sends spans; for
 * messaging the consumer side is not paired again). Any other client without a child becomes
 * an edge to peer.service, server.address or "unknown" after the TTL. A server half that
 * arrives more than a TTL after its client is not counted (its client went virtual).
 *
 * Usage (the span writer), per batch, with one EdgePairingCache per process and database:
 *   before BEGIN:  plan = computeRollups(summaries, cache, { nowMs });
 *                  await ensureRollupPartitions(client, plan.dayStartsMs, partitionCacheOwner);
 *   in the transaction, after the spans (and, if the COPY found duplicates, after
 *   plan.abort(); plan = computeRollups(summaries of the NEW spans only, cache, { nowMs })),
 *   last before COMMIT: await writeBatchRollups(client, plan);
 *   after COMMIT: plan.commit(); after a rollback: plan.abort() (exactly one of the two; a
 *   retry plans again).
 * flushExpiredEdges (computeRollups([], cache, { takeExpired: true })) handles expired clients.
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

/** A server span whose client parent was in neither the batch nor the cache. */
export type UnpairedServer = { traceId: string; parentSpanId: string; serviceName: string };

/**
 * What the database holds for the expired clients of a plan (lookUpExpiredChildren): pairing
 * key → the service of a server span that is the client's child.
 */
export type DatabaseChildren = Map<string, string>;

export type ComputeRollupsOptions = {
  nowMs?: number;
  /**
   * Take the pending clients whose TTL ran out (flushExpiredEdges does; span batches do not,
   * so their transaction never waits on a lookup). Default false.
   */
  takeExpired?: boolean;
};

export class RollupPlan {
  private databaseChildren: DatabaseChildren | undefined;
  private state: "open" | "committed" | "aborted" = "open";

  constructor(
    private readonly cache: EdgePairingCache,
    private readonly nowMs: number,
    private readonly accumulator: RollupAccumulator,
    /** Servers whose client is not known yet; stored as orphans on commit. */
    private readonly unpairedServers: readonly UnpairedServer[],
    /** Clients whose server is not known yet; stored as pending on commit. */
    private readonly unpairedClients: readonly PendingClient[],
    /** Pending clients whose TTL ran out: a real edge if the database holds a child, else virtual. */
    readonly expiredClients: readonly PendingClient[],
    /** Cache entries this plan took (paired from the batch); given back on abort. */
    private readonly takenPending: readonly PendingClient[],
    private readonly takenOrphans: readonly OrphanServer[],
    private readonly takenReadyEdges: readonly ReadyEdge[],
    /**
     * Start (ms) of every UTC day a row of this plan can fall in: those of the batch and of
     * the cached halves. ensureRollupPartitions takes it before BEGIN.
     */
    readonly dayStartsMs: ReadonlySet<number>,
  ) {}

  /** Pairs completed in memory by an earlier commit that this plan writes. */
  get readyEdgeCount(): number {
    return this.takenReadyEdges.length;
  }

  /** Whether expired clients are looked up in the database (EdgePairingCache pairsInDatabase). */
  get pairsInDatabase(): boolean {
    return this.cache.pairsInDatabase;
  }

  /** Records the server children the database holds for expired clients (lookUpExpiredChildren). */
  setDatabaseChildren(children: DatabaseChildren): void {
    this.databaseChildren = children;
  }

  /** The rows to upsert: the batch and cache pairs, plus the expired clients' edges. */
  rows(): RollupRows {
    if (this.expiredClients.length === 0) return this.accumulator.rows();
    const accumulator = this.accumulator.clone();
    for (const client of this.expiredClients) {
      const childService = this.databaseChildren?.get(pairingKey(client.traceId, client.spanId));
      if (childService !== undefined) accumulator.addEdgeCall(client.serviceName, childService, false, client.call);
      else accumulator.addEdgeCall(client.serviceName, client.virtualCallee, true, client.call);
    }
    return accumulator.rows();
  }

  /**
   * The minutes (epoch ms) of the rows this plan writes, for noteCommittedRollupMinutes after
   * COMMIT: a walk over the plan's rows, not its spans.
   */
  minutesMs(): Set<number> {
    const minutes = this.accumulator.minutesMs();
    for (const client of this.expiredClients) minutes.add(minuteOfMicros(client.call.startUs));
    return minutes;
  }

  /**
   * After COMMIT: store the halves still waiting. A half that a concurrent batch of ours
   * stored meanwhile is matched here; the edge is written with the next batch.
   */
  commit(): void {
    this.finish("committed");
    const ready: ReadyEdge[] = [];
    const expiresAtMs = this.nowMs + this.cache.ttlMs;
    for (const server of this.unpairedServers) {
      const pending = this.cache.takePending(server.traceId, server.parentSpanId);
      if (pending !== undefined)
        ready.push({ callerService: pending.serviceName, callee: server.serviceName, call: pending.call });
      else this.cache.putOrphan({ ...server, expiresAtMs });
    }
    for (const client of this.unpairedClients) {
      const orphan = this.cache.orphanCount === 0 ? undefined : this.cache.takeOrphan(client.traceId, client.spanId);
      if (orphan !== undefined) ready.push({ callerService: client.serviceName, callee: orphan.serviceName, call: client.call });
      else this.cache.putPending(client);
    }
    this.cache.putReadyEdges(ready);
  }

  /** After a rollback: give back what this plan took from the cache (a retry plans again). */
  abort(): void {
    this.finish("aborted");
    for (const entry of this.takenPending) this.cache.putPending(entry);
    for (const entry of this.takenOrphans) this.cache.putOrphan(entry);
    this.cache.putReadyEdges(this.takenReadyEdges);
    for (const entry of this.expiredClients) this.cache.putPending(entry);
  }

  private finish(state: "committed" | "aborted"): void {
    if (this.state !== "open") throw new Error(`rollup plan already ${this.state}`);
    this.state = state;
  }
}

/**
 * Plans the rollups of one batch of NEW spans (duplicates must be left out by the caller).
 * Takes the cache entries it pairs (and, with takeExpired, the pending clients that expired);
 * the caller must end the plan with commit() or abort().
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
  const unpairedServers: UnpairedServer[] = [];
  const unpairedClients: PendingClient[] = [];

  // Servers: their client parent in the batch, else in the cache, else they wait.
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
    const pending = cache.pendingCount === 0 ? undefined : cache.takePending(span.traceId, span.parentSpanId);
    if (pending !== undefined) {
      takenPending.push(pending);
      accumulator.addEdgeCall(pending.serviceName, span.serviceName, false, pending.call);
      addDay(pending.call.startUs);
      continue;
    }
    unpairedServers.push({ traceId: span.traceId, parentSpanId: span.parentSpanId, serviceName: span.serviceName });
  }

  // Clients not paired above: virtual at once, else a server child in the cache, else they wait.
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
    unpairedClients.push({
      traceId: span.traceId,
      spanId: span.spanId,
      serviceName: span.serviceName,
      call: callOf(span),
      virtualCallee: fallbackVirtualCallee(span),
      expiresAtMs: nowMs + cache.ttlMs,
    });
  }

  // Pairs completed in memory when an earlier batch committed.
  const takenReadyEdges = cache.takeReadyEdges();
  for (const edge of takenReadyEdges) {
    accumulator.addEdgeCall(edge.callerService, edge.callee, false, edge.call);
    addDay(edge.call.startUs);
  }

  // Clients that waited their TTL (the flush only).
  const expiredClients = options.takeExpired === true ? cache.takeExpiredPending(nowMs) : [];
  for (const entry of expiredClients) addDay(entry.call.startUs);

  return new RollupPlan(
    cache,
    nowMs,
    accumulator,
    unpairedServers,
    unpairedClients,
    expiredClients,
    takenPending,
    takenOrphans,
    takenReadyEdges,
    days,
  );
}
