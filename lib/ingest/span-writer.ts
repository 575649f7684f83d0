import type pg from "pg";
import { localStatementTimeoutSql } from "@/lib/db/set-local-statement-timeout";
import type { Env } from "@/lib/env";
import type { AttributeKeyDictionary } from "@/lib/db/attribute-keys";
import type { SpanBatch } from "@/lib/otlp/model";
import { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import { flushExpiredEdges } from "@/lib/rollups/flush-expired-edges";
import { silentLogger, type Logger } from "@/lib/server/logger";
import { DatabaseUnavailableError, QueueFullError, errorCode, isDatabaseUnavailable, isTemporaryWriteFailure } from "./errors";
import type { EncodedSpanBatch } from "./encode-trace-request";
import {
  CatalogCache,
  prepareSpanBatchParts,
  spanCountOf,
  writeSpanBatch,
  type PreparedSpanBatch,
  type SpanBatchPart,
  type SpanBatchRows,
  type WriteSpanBatchResult,
} from "./write-span-batch";

export type SpanWriterOptions = {
  /** Writer loops, each using one pooled connection at a time. Default 2. */
  connections?: number;
  /** Spans waiting in the queue before submits are refused with QueueFullError. Default 100 000. */
  queueMaxSpans?: number;
  /** A transaction takes requests up to about this many spans. Default 4 000. */
  batchMaxSpans?: number;
  /** How long the first queued request waits for others to share its transaction. Default 50 ms. */
  batchMaxWaitMs?: number;
  /** close() writes what is queued for at most this long, then refuses the rest. Default 10 s. */
  drainTimeoutMs?: number;
  /** Waiting longer than this for a pooled connection counts as the database being unavailable. Default 5 s. */
  checkoutTimeoutMs?: number;
  /**
   * Bound on one batch write. Each statement of the transaction gets it as
   * `SET LOCAL statement_timeout`; and if the whole write (COMMIT included) has not returned
   * within it plus a second — a connection that silently stopped answering, which neither
   * statement_timeout nor a COPY stream notices — the connection's socket is destroyed and
   * the batch fails with DatabaseUnavailableError. Default 30 s.
   */
  writeTimeoutMs?: number;
  /** Known resource/scope ids; one per database. Default: a new cache for this writer. */
  cache?: CatalogCache;
  /**
   * Edge pairing for the rollups written with every batch (lib/rollups); one per process and
   * database. Default: a new cache for this writer. false: no rollups.
   */
  edgePairing?: EdgePairingCache | false;
  /**
   * How often the writer writes the virtual edges of clients whose child never came
   * (flushExpiredEdges) while no batch does it. Default 10 s.
   */
  edgeFlushIntervalMs?: number;
  logger?: Logger;
};

export type SpanWriterStats = {
  queuedSpans: number;
  queuedRequests: number;
  /** Transactions in progress. */
  inFlightBatches: number;
  /** Committed transactions. */
  batchesWritten: number;
  /** Requests acknowledged (committed). */
  requestsWritten: number;
  /** New span rows committed. */
  spansWritten: number;
  /** Spans acknowledged that were already stored. */
  duplicateSpans: number;
  /** Requests refused because the queue was full. */
  requestsRefused: number;
  /** Requests rejected with an error (database unavailable or a failed write). */
  requestsFailed: number;
  lastError?: { message: string; code?: string; atMs: number };
};

type PendingRequest = {
  batch: SpanBatchPart;
  spanCount: number;
  enqueuedAtMs: number;
  resolve: (result: { inserted: number; duplicates: number }) => void;
  reject: (error: unknown) => void;
};

/** Writer options from the parsed environment (BREAKWATER_QUEUE_MAX_SPANS, …). */
export function getSpanWriterOptions(env: Env): SpanWriterOptions {
  return {
    connections: env.BREAKWATER_WRITER_CONNECTIONS,
    queueMaxSpans: env.BREAKWATER_QUEUE_MAX_SPANS,
    batchMaxSpans: env.BREAKWATER_BATCH_MAX_SPANS,
    batchMaxWaitMs: env.BREAKWATER_BATCH_MAX_WAIT_MS,
  };
}

// Transient conflicts between concurrent transactions: retried before giving up.
const RETRYABLE_SQLSTATES = new Set(["40001", "40P01"]);
const MAX_CONFLICT_RETRIES = 2;
/** The watchdog fires this long after writeTimeoutMs, so a live server's own statement_timeout reports first. */
const WATCHDOG_GRACE_MS = 1_000;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

const RATE_WINDOW_MS = 5_000;

/**
 * The durable write path: a bounded queue of decoded requests, drained by N writer loops
 * that coalesce requests into one transaction each (writeSpanBatch). `submit` resolves only
 * after COMMIT; a request is never split across transactions, so it is all-or-nothing.
 *
 * Failure handling: the database being unreachable rejects that batch's requests with
 * DatabaseUnavailableError and the loops carry on (the pool replaces dead connections, so
 * the writer recovers by itself); any other error rejects the affected requests with the
 * error itself — after retrying the batch's requests one by one, so one bad request does not
 * fail the others it happened to share a transaction with.
 */
export class SpanWriter {
  private readonly connections: number;
  /** Spans the queue holds before submits are refused (read-only; receivers refuse early near it). */
  readonly queueMaxSpans: number;
  private readonly batchMaxSpans: number;
  private readonly batchMaxWaitMs: number;
  private readonly drainTimeoutMs: number;
  private readonly checkoutTimeoutMs: number;
  private readonly writeTimeoutMs: number;
  private readonly cache: CatalogCache;
  private readonly edgePairing: EdgePairingCache | undefined;
  private readonly edgeFlushIntervalMs: number;
  private edgeFlushTimer: NodeJS.Timeout | undefined;
  private edgeFlush: Promise<void> = Promise.resolve();
  private readonly logger: Logger;

  private readonly queue: PendingRequest[] = [];
  private queuedSpans = 0;
  /** Loops that have taken a batch and not finished writing it. */
  private busyWorkers = 0;
  private waiters: (() => void)[] = [];
  private workers: Promise<void>[] = [];
  private started = false;
  private closing = false;
  private closePromise: Promise<void> | undefined;
  private databaseDown = false;
  /** (completion time, spans) of recent batches, for the drain-rate estimate behind Retry-After. */
  private recentBatches: { atMs: number; spans: number }[] = [];
  private readonly counters = {
    inFlightBatches: 0,
    batchesWritten: 0,
    requestsWritten: 0,
    spansWritten: 0,
    duplicateSpans: 0,
    requestsRefused: 0,
    requestsFailed: 0,
  };
  private lastError: SpanWriterStats["lastError"];

  constructor(
    private readonly pool: pg.Pool,
    opts: SpanWriterOptions = {},
  ) {
    this.connections = opts.connections ?? 2;
    this.queueMaxSpans = opts.queueMaxSpans ?? 100_000;
    this.batchMaxSpans = opts.batchMaxSpans ?? 4_000;
    this.batchMaxWaitMs = opts.batchMaxWaitMs ?? 50;
    this.drainTimeoutMs = opts.drainTimeoutMs ?? 10_000;
    this.checkoutTimeoutMs = opts.checkoutTimeoutMs ?? 5_000;
    this.writeTimeoutMs = opts.writeTimeoutMs ?? 30_000;
    // Checked here rather than failing every write (writeSpanBatch rounds it up; 0: no SET).
    const statementTimeoutMs = Math.ceil(this.writeTimeoutMs);
    if (statementTimeoutMs !== 0) localStatementTimeoutSql(statementTimeoutMs);
    this.cache = opts.cache ?? new CatalogCache();
    this.edgePairing = opts.edgePairing === false ? undefined : (opts.edgePairing ?? new EdgePairingCache());
    this.edgeFlushIntervalMs = opts.edgeFlushIntervalMs ?? 10_000;
    this.logger = opts.logger ?? silentLogger;
  }

  /**
   * The attribute key dictionary rows are written with: receivers encode requests with it
   * (lib/ingest/encode-trace-request) before submitting them.
   */
  get attributeKeys(): AttributeKeyDictionary {
    return this.cache.attributeKeys;
  }

  /** Starts the writer loops. Requests submitted before start() wait in the queue. */
  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    for (let i = 0; i < this.connections; i++) this.workers.push(this.runWorker());
    const edgePairing = this.edgePairing;
    if (edgePairing !== undefined) {
      this.edgeFlushTimer = setInterval(() => {
        // One flush at a time; a slow one is not stacked up behind.
        this.edgeFlush = this.edgeFlush.then(() => this.flushEdges(edgePairing));
      }, this.edgeFlushIntervalMs);
      this.edgeFlushTimer.unref();
    }
  }

  private async flushEdges(edgePairing: EdgePairingCache): Promise<void> {
    if (this.closing) return;
    try {
      await flushExpiredEdges(this.pool, edgePairing);
    } catch (error) {
      // The entries went back to the cache; the next flush or batch writes them.
      this.logger.warn("writing expired rollup edges failed", { error: errorMessage(error) });
    }
  }

  /**
   * On close, after the last batch: writes the pairs completed in memory and every client
   * still waiting for its child (a real edge if the database holds the child, else a virtual
   * one), which would otherwise be lost with the process. Bounded by the drain timeout; a
   * failure is logged (those edges are then lost, the spans are not).
   */
  private async flushEdgesOnClose(edgePairing: EdgePairingCache): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        flushExpiredEdges(this.pool, edgePairing, { nowMs: Number.POSITIVE_INFINITY }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.drainTimeoutMs} ms`)), this.drainTimeoutMs);
        }),
      ]);
    } catch (error) {
      this.logger.warn("writing waiting rollup edges at shutdown failed", { error: errorMessage(error) });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Queues a decoded request. Resolves after COMMIT with how many spans were new and how
   * many were already stored; rejects with QueueFullError, DatabaseUnavailableError or the
   * write's own error, in which case nothing of the request was committed.
   */
  submit(batch: SpanBatch | SpanBatchRows | EncodedSpanBatch): Promise<{ inserted: number; duplicates: number }> {
    if (this.closing) {
      return Promise.reject(
        new DatabaseUnavailableError("span writer is shutting down", { code: "WRITER_CLOSED", retryAfterSeconds: 5 }),
      );
    }
    const spanCount = spanCountOf(batch);
    if (spanCount === 0) return Promise.resolve({ inserted: 0, duplicates: 0 });
    // A request larger than the whole queue is still taken when the queue is empty, or it
    // could never be written.
    if (this.queuedSpans > 0 && this.queuedSpans + spanCount > this.queueMaxSpans) {
      this.counters.requestsRefused++;
      return Promise.reject(
        new QueueFullError(
          `ingest queue is full (${this.queuedSpans} of ${this.queueMaxSpans} spans waiting)`,
          this.estimateDrainSeconds(),
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, spanCount, enqueuedAtMs: performance.now(), resolve, reject });
      this.queuedSpans += spanCount;
      this.wakeWorkers();
    });
  }

  /** Stops accepting, writes what is queued (at most drainTimeoutMs), then resolves. */
  close(): Promise<void> {
    this.closePromise ??= this.drainAndStop();
    return this.closePromise;
  }

  stats(): SpanWriterStats {
    return {
      queuedSpans: this.queuedSpans,
      queuedRequests: this.queue.length,
      ...this.counters,
      lastError: this.lastError,
    };
  }

  private async drainAndStop(): Promise<void> {
    this.closing = true;
    clearInterval(this.edgeFlushTimer);
    this.wakeWorkers();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.all(this.workers).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.started ? this.drainTimeoutMs : 0);
      }),
    ]);
    clearTimeout(timer);
    await this.edgeFlush;
    if (!timedOut && this.started && this.edgePairing !== undefined) await this.flushEdgesOnClose(this.edgePairing);
    if (timedOut || !this.started) {
      const left = this.queue.splice(0);
      this.queuedSpans = 0;
      if (left.length > 0) {
        this.logger.warn("span writer closed with requests still queued", { requests: left.length });
      }
      for (const request of left) {
        this.counters.requestsFailed++;
        request.reject(
          new DatabaseUnavailableError("span writer shut down before this request was written", {
            code: "WRITER_CLOSED",
            retryAfterSeconds: 5,
          }),
        );
      }
    }
  }

  private wakeWorkers(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves on the next submit/close, or after `timeoutMs` when given. */
  private waitForWork(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== wake);
          resolve();
        }, timeoutMs);
      }
      this.waiters.push(wake);
    });
  }

  private async runWorker(): Promise<void> {
    for (;;) {
      const requests = await this.nextBatch();
      if (requests === undefined) return;
      try {
        await this.writeRequests(requests);
      } catch (error) {
        // writeRequests settles every request itself; this is a last-resort guard.
        this.logger.error("span writer loop error", { error: errorMessage(error) });
        for (const request of requests) request.reject(error);
      } finally {
        this.busyWorkers--;
      }
    }
  }

  /**
   * Waits for work and takes the next batch; undefined once closing and the queue is empty.
   *
   * Lingering (up to batchMaxWaitMs after the first queued request, or until batchMaxSpans
   * are queued) happens only while no other loop is writing. When another transaction is in
   * flight the database is busy anyway and requests pile up by themselves, so this loop
   * writes what is queued at once: waiting would leave a connection idle and add latency
   * without saving a transaction. Measured with 8 closed-loop clients: always lingering
   * capped throughput at clients × request size / (batchMaxWaitMs + write time).
   */
  private async nextBatch(): Promise<PendingRequest[] | undefined> {
    for (;;) {
      if (this.queue.length === 0) {
        if (this.closing) return undefined;
        await this.waitForWork();
        continue;
      }
      if (!this.closing && this.busyWorkers === 0 && this.queuedSpans < this.batchMaxSpans) {
        const waitMs = this.queue[0].enqueuedAtMs + this.batchMaxWaitMs - performance.now();
        if (waitMs > 0) {
          await this.waitForWork(waitMs);
          continue;
        }
      }
      this.busyWorkers++;
      return this.takeBatch();
    }
  }

  private takeBatch(): PendingRequest[] {
    const taken: PendingRequest[] = [];
    let spans = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (taken.length > 0 && spans + next.spanCount > this.batchMaxSpans) break;
      this.queue.shift();
      taken.push(next);
      spans += next.spanCount;
    }
    this.queuedSpans -= spans;
    return taken;
  }

  private async writeRequests(requests: PendingRequest[]): Promise<void> {
    try {
      // Encoded once, before a connection is taken, and reused by the retries.
      const result = await this.writeWithRetries(
        prepareSpanBatchParts(
          requests.map((request) => request.batch),
          this.cache,
        ),
      );
      this.settleWritten(requests, result);
    } catch (error) {
      if (isDatabaseUnavailable(error) || isTemporaryWriteFailure(error)) {
        this.failUnavailable(requests, error);
      } else if (requests.length > 1) {
        // Find the culprit: each request alone, in its own transaction.
        this.logger.warn("batch write failed; retrying its requests one by one", {
          requests: requests.length,
          error: errorMessage(error),
        });
        for (const request of requests) await this.writeRequests([request]);
      } else {
        this.recordError(error);
        this.counters.requestsFailed++;
        this.logger.error("span write failed", { error: errorMessage(error), code: errorCode(error) });
        requests[0].reject(error);
      }
    }
  }

  private async writeWithRetries(batch: PreparedSpanBatch): Promise<WriteSpanBatchResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.writeOnce(batch);
      } catch (error) {
        const code = errorCode(error);
        if (attempt >= MAX_CONFLICT_RETRIES || code === undefined || !RETRYABLE_SQLSTATES.has(code)) throw error;
        this.logger.debug("span write conflict; retrying", { code, attempt });
      }
    }
  }

  private async writeOnce(batch: PreparedSpanBatch): Promise<WriteSpanBatchResult> {
    this.counters.inFlightBatches++;
    try {
      const client = await this.checkout();
      // While checked out a client has no 'error' listener of the pool's; a connection lost
      // mid-write would otherwise be an unhandled 'error' event. The query fails on its own.
      const onClientError = (error: Error) => {
        this.logger.debug("writer connection error", { error: error.message });
      };
      client.on("error", onClientError);
      let timedOut = false;
      const watchdog = setTimeout(() => {
        timedOut = true;
        // Every pending query of the client then fails with "Connection terminated".
        destroyConnection(client);
      }, this.writeTimeoutMs + WATCHDOG_GRACE_MS);
      try {
        const result = await writeSpanBatch(client, batch, {
          cache: this.cache,
          partitionCacheOwner: this.pool,
          statementTimeoutMs: this.writeTimeoutMs,
          edgePairing: this.edgePairing,
        });
        clearTimeout(watchdog);
        client.off("error", onClientError);
        client.release();
        return result;
      } catch (error) {
        clearTimeout(watchdog);
        client.off("error", onClientError);
        // Releasing with an error makes the pool discard the connection: after a failed
        // write its state (open transaction, half-sent COPY, dead socket) is not trusted.
        client.release(asError(error));
        if (timedOut) {
          throw new DatabaseUnavailableError(
            `no answer from the database within ${this.writeTimeoutMs + WATCHDOG_GRACE_MS} ms; connection discarded`,
            { retryAfterSeconds: 5, cause: error },
          );
        }
        throw error;
      }
    } finally {
      this.counters.inFlightBatches--;
    }
  }

  /** pool.connect() bounded by checkoutTimeoutMs; a late connection goes back to the pool. */
  private checkout(): Promise<pg.PoolClient> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(
          new DatabaseUnavailableError(`no database connection within ${this.checkoutTimeoutMs} ms`, {
            retryAfterSeconds: 2,
          }),
        );
      }, this.checkoutTimeoutMs);
      this.pool.connect().then(
        (client) => {
          if (settled) {
            client.release();
            return;
          }
          settled = true;
          clearTimeout(timer);
          resolve(client);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private settleWritten(requests: PendingRequest[], result: WriteSpanBatchResult): void {
    if (this.databaseDown) {
      this.databaseDown = false;
      this.logger.info("database available again; span writes resumed");
    }
    const now = performance.now();
    this.counters.batchesWritten++;
    this.counters.spansWritten += result.inserted;
    this.counters.duplicateSpans += result.duplicates;
    this.recentBatches.push({ atMs: now, spans: result.inserted + result.duplicates });
    while (this.recentBatches.length > 0 && this.recentBatches[0].atMs < now - RATE_WINDOW_MS) this.recentBatches.shift();

    const duplicates = result.duplicateIndexes;
    let next = 0;
    let offset = 0;
    for (const request of requests) {
      const end = offset + request.spanCount;
      let requestDuplicates = 0;
      while (next < duplicates.length && duplicates[next] < end) {
        requestDuplicates++;
        next++;
      }
      offset = end;
      this.counters.requestsWritten++;
      request.resolve({ inserted: request.spanCount - requestDuplicates, duplicates: requestDuplicates });
    }
  }

  private failUnavailable(requests: PendingRequest[], error: unknown): void {
    this.recordError(error);
    if (isTemporaryWriteFailure(error)) {
      this.logger.warn("span write refused for now (database busy); the client is asked to retry", {
        error: errorMessage(error),
        code: errorCode(error),
      });
    } else if (!this.databaseDown) {
      this.databaseDown = true;
      this.logger.warn("database unavailable; span writes refused until it returns", {
        error: errorMessage(error),
        code: errorCode(error),
      });
    }
    const unavailable =
      error instanceof DatabaseUnavailableError
        ? error
        : new DatabaseUnavailableError(
            isTemporaryWriteFailure(error)
              ? `database could not take the write now (${errorCode(error)}): ${errorMessage(error)}`
              : `database unavailable: ${errorMessage(error)}`,
            { retryAfterSeconds: 2, cause: error },
          );
    for (const request of requests) {
      this.counters.requestsFailed++;
      request.reject(unavailable);
    }
  }

  private recordError(error: unknown): void {
    this.lastError = { message: errorMessage(error), code: errorCode(error), atMs: Date.now() };
  }

  /** Seconds until the current backlog is written, at the recent write rate (1–5). */
  private estimateDrainSeconds(): number {
    const now = performance.now();
    let recentSpans = 0;
    for (const batch of this.recentBatches) if (batch.atMs >= now - RATE_WINDOW_MS) recentSpans += batch.spans;
    const spansPerSecond = recentSpans / (RATE_WINDOW_MS / 1000);
    if (spansPerSecond <= 0) return 5;
    return Math.ceil(this.queuedSpans / spansPerSecond);
  }
}

/** Destroys a pooled client's socket (no Terminate message: the peer may not be reading). */
function destroyConnection(client: pg.PoolClient): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  stream?.destroy();
}
