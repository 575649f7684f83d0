import type pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { ensureSpanPartitions } from "@/lib/db/partitions";
import { createPool } from "@/lib/db/pool";
import { loadTraceSpans } from "@/lib/queries/load-trace-spans";
import { SPAN_KIND, STATUS_CODE, type NormalizedSpan, type ResourceRecord, type SpanBatch } from "@/lib/otlp/model";
import { countSpans, storedSpanIds, setupIngestTestDatabase } from "@/lib/test/ingest-test-database";
import { startTcpProxy, type TcpProxy } from "@/lib/test/tcp-proxy";
import { DatabaseUnavailableError, QueueFullError } from "./errors";
import { SpanWriter } from "./span-writer";

const T0_NS = 1_795_255_200_000_000_000n; // 2026-11-21T10:00:00Z

const resource: ResourceRecord = {
  id: "1111111111111111111",
  serviceName: "frontend",
  attributes: { "service.name": "frontend", "deployment.environment": "test" },
  droppedAttributesCount: 0,
};

let nextSpan = 1;

/** A request of `count` fresh spans (unique ids across the whole file). */
function makeRequest(count: number, name = "GET /"): SpanBatch {
  const spans: NormalizedSpan[] = [];
  for (let i = 0; i < count; i++) {
    const n = nextSpan++;
    spans.push({
      traceId: `${"f".repeat(16)}${n.toString(16).padStart(16, "0")}`,
      spanId: n.toString(16).padStart(16, "0"),
      name,
      kind: SPAN_KIND.SERVER,
      startTimeUnixNano: T0_NS + BigInt(n) * 1_000n,
      durationNs: BigInt(n),
      serviceName: "frontend",
      resourceId: resource.id,
      statusCode: STATUS_CODE.OK,
      attributes: { "http.request.method": "GET", n },
    });
  }
  return { resources: [resource], scopes: [], spans, rejectedSpans: 0, rejectionReasons: [] };
}

const db = setupIngestTestDatabase();
let writer: SpanWriter | undefined;

afterEach(async () => {
  await writer?.close();
  writer = undefined;
});

describe("SpanWriter", () => {
  it("writes spans through to PostgreSQL and acknowledges after commit", async () => {
    writer = new SpanWriter(db().pool, { connections: 2, batchMaxWaitMs: 5 });
    writer.start();
    const request = makeRequest(1000);
    expect(await writer.submit(request)).toEqual({ inserted: 1000, duplicates: 0 });
    expect(await countSpans(db().pool)).toBe(1000);
    const { rows } = await db().pool.query(
      "SELECT (SELECT count(*)::int FROM resources) AS resources, (SELECT span_count::int FROM services) AS span_count",
    );
    expect(rows[0]).toEqual({ resources: 1, span_count: 1000 });
    // Through the reader: stored attribute keys are dictionary ids.
    const sample = (await loadTraceSpans(db().pool, [request.spans[10].traceId])).filter(
      (span) => span.spanId === request.spans[10].spanId,
    );
    expect(sample.map((span) => ({ d: span.durationNs.toString(), attributes: span.attributes }))).toEqual([
      { d: request.spans[10].durationNs.toString(), attributes: request.spans[10].attributes },
    ]);
    expect(writer.stats()).toMatchObject({ spansWritten: 1000, requestsWritten: 1, queuedSpans: 0 });
  });

  it("does not ensure again, on its connections, an hour already ensured through its pool", async () => {
    const pool = db().pool;
    await ensureSpanPartitions(pool, [Number(T0_NS / 1_000_000n)]); // as maintenance does
    const spies: MockInstance[] = [];
    const onAcquire = (client: pg.PoolClient) => {
      if (!spies.some((spy) => spy.mock.contexts.includes(client))) spies.push(vi.spyOn(client, "query"));
    };
    pool.on("acquire", onAcquire);
    try {
      writer = new SpanWriter(pool, { connections: 2, batchMaxWaitMs: 1 });
      writer.start();
      for (let i = 0; i < 3; i++) expect(await writer.submit(makeRequest(5))).toEqual({ inserted: 5, duplicates: 0 });
    } finally {
      pool.off("acquire", onAcquire);
    }
    const statements = spies.flatMap((spy) =>
      spy.mock.calls.map(([query]) => (typeof query === "string" ? query : String((query as { text?: unknown }).text))),
    );
    for (const spy of spies) spy.mockRestore();
    expect(statements.filter((sql) => sql.startsWith("BEGIN"))).toHaveLength(3);
    expect(statements.filter((sql) => sql.includes("pg_advisory_xact_lock"))).toEqual([]);
    expect(await countSpans(pool)).toBe(15);
  });

  it("acknowledges a duplicate delivery without adding rows", async () => {
    writer = new SpanWriter(db().pool, { batchMaxWaitMs: 1 });
    writer.start();
    const request = makeRequest(30);
    await writer.submit(request);
    expect(await writer.submit(request)).toEqual({ inserted: 0, duplicates: 30 });
    expect(await countSpans(db().pool)).toBe(30);
    expect(writer.stats().duplicateSpans).toBe(30);
  });

  it("coalesces concurrent submits into fewer transactions, with per-request results", async () => {
    writer = new SpanWriter(db().pool, { connections: 2, batchMaxSpans: 4000, batchMaxWaitMs: 50 });
    writer.start();
    const old = makeRequest(10);
    await writer.submit(old);
    const batchesBefore = writer.stats().batchesWritten;
    const requests = Array.from({ length: 40 }, () => makeRequest(50));
    // One request mixes new spans with already-stored ones: only it reports duplicates.
    const fresh = makeRequest(5);
    const mixed: SpanBatch = { ...fresh, spans: [...fresh.spans, ...old.spans] };
    const results = await Promise.all([...requests, mixed].map((r) => writer!.submit(r)));
    expect(results.slice(0, 40)).toEqual(requests.map(() => ({ inserted: 50, duplicates: 0 })));
    expect(results[40]).toEqual({ inserted: 5, duplicates: 10 });
    const batches = writer.stats().batchesWritten - batchesBefore;
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(4);
    expect(await countSpans(db().pool)).toBe(10 + 40 * 50 + 5);
  });

  it("does not make a request wait for company while another batch is being written", async () => {
    writer = new SpanWriter(db().pool, { connections: 2, batchMaxSpans: 100, batchMaxWaitMs: 5_000 });
    writer.start();
    const started = performance.now();
    // A full batch goes at once; while it is in flight the second loop takes the small one
    // instead of lingering 5 s for more.
    const [full, small] = await Promise.all([writer.submit(makeRequest(100)), writer.submit(makeRequest(3))]);
    expect(full).toEqual({ inserted: 100, duplicates: 0 });
    expect(small).toEqual({ inserted: 3, duplicates: 0 });
    expect(performance.now() - started).toBeLessThan(2_500);
    expect(writer.stats().batchesWritten).toBe(2);
  });

  it("refuses a request that does not fit the queue, and writes nothing of it", async () => {
    writer = new SpanWriter(db().pool, { queueMaxSpans: 100, batchMaxWaitMs: 1 });
    // Not started yet, so the queue cannot drain while we fill it.
    const first = makeRequest(80);
    const pending = writer.submit(first);
    const refused = makeRequest(30);
    const error = await writer.submit(refused).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as QueueFullError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((error as QueueFullError).retryAfterSeconds).toBeLessThanOrEqual(5);
    const fits = makeRequest(20);
    const pendingFits = writer.submit(fits);
    expect(writer.stats()).toMatchObject({ queuedSpans: 100, queuedRequests: 2, requestsRefused: 1 });
    writer.start();
    expect(await pending).toEqual({ inserted: 80, duplicates: 0 });
    expect(await pendingFits).toEqual({ inserted: 20, duplicates: 0 });
    expect(
      await storedSpanIds(
        db().pool,
        refused.spans.map((s) => s.spanId),
      ),
    ).toEqual([]);
    expect(await countSpans(db().pool)).toBe(100);
  });

  it("takes a request larger than the whole queue when the queue is empty", async () => {
    writer = new SpanWriter(db().pool, { queueMaxSpans: 10, batchMaxSpans: 10, batchMaxWaitMs: 1 });
    writer.start();
    expect(await writer.submit(makeRequest(25))).toEqual({ inserted: 25, duplicates: 0 });
  });

  it("rejects only the bad request of a coalesced batch", async () => {
    writer = new SpanWriter(db().pool, { connections: 1, batchMaxWaitMs: 30 });
    writer.start();
    const good = makeRequest(10);
    const bad = makeRequest(1);
    bad.spans[0] = { ...bad.spans[0], traceId: "zz".repeat(16) };
    const [goodResult, badResult] = await Promise.allSettled([writer.submit(good), writer.submit(bad)]);
    expect(goodResult).toEqual({ status: "fulfilled", value: { inserted: 10, duplicates: 0 } });
    expect(badResult.status).toBe("rejected");
    expect((badResult as PromiseRejectedResult).reason).toMatchObject({ code: "22P02" });
    expect((badResult as PromiseRejectedResult).reason).not.toBeInstanceOf(DatabaseUnavailableError);
    expect(await countSpans(db().pool)).toBe(10);
    expect(writer.stats().lastError?.code).toBe("22P02");
  });

  it("drains the queue on close and refuses later submits", async () => {
    writer = new SpanWriter(db().pool, { batchMaxWaitMs: 10_000 });
    writer.start();
    const pending = [writer.submit(makeRequest(10)), writer.submit(makeRequest(10))];
    await writer.close();
    expect(await Promise.all(pending)).toEqual([
      { inserted: 10, duplicates: 0 },
      { inserted: 10, duplicates: 0 },
    ]);
    await expect(writer.submit(makeRequest(1))).rejects.toMatchObject({ code: "WRITER_CLOSED" });
    expect(await countSpans(db().pool)).toBe(20);
  });

  it("refuses an invalid writeTimeoutMs when constructed, and takes 0 (no statement_timeout)", () => {
    for (const writeTimeoutMs of [-5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new SpanWriter(db().pool, { writeTimeoutMs })).toThrow(RangeError);
    }
    expect(() => new SpanWriter(db().pool, { writeTimeoutMs: 0 })).not.toThrow();
    expect(() => new SpanWriter(db().pool, { writeTimeoutMs: 1.5 })).not.toThrow();
  });

  it("answers DatabaseUnavailableError, not a failure of the request, when a statement times out (57014)", async () => {
    writer = new SpanWriter(db().pool, { connections: 1, batchMaxWaitMs: 1, writeTimeoutMs: 200 });
    writer.start();
    await writer.submit(makeRequest(1)); // partitions and the resource exist
    const locker = await db().pool.connect();
    const request = makeRequest(20);
    try {
      await locker.query("BEGIN; LOCK TABLE services IN EXCLUSIVE MODE");
      const error = await writer.submit(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect((error as DatabaseUnavailableError).message).toMatch(/57014/);
      expect(((error as DatabaseUnavailableError).cause as { code?: string }).code).toBe("57014");
    } finally {
      await locker.query("ROLLBACK");
      locker.release();
    }
    expect(
      await storedSpanIds(
        db().pool,
        request.spans.map((s) => s.spanId),
      ),
    ).toEqual([]);
    expect(await writer.submit(request)).toEqual({ inserted: 20, duplicates: 0 });
  });

  it("rewrites into an hour whose partition another process dropped", async () => {
    // One connection, so the writer's partition cache (per connection) is certainly stale.
    const single = createPool(db().url, { max: 1, applicationName: "span-writer-stale-partition-test" });
    try {
      writer = new SpanWriter(single, { connections: 1, batchMaxWaitMs: 1 });
      writer.start();
      await writer.submit(makeRequest(5));
      const { rows } = await db().pool.query<{ partition: string }>(
        "SELECT DISTINCT tableoid::regclass::text AS partition FROM spans",
      );
      expect(rows).toHaveLength(1);
      await db().pool.query(`DROP TABLE ${rows[0].partition}`);
      expect(await writer.submit(makeRequest(7))).toEqual({ inserted: 7, duplicates: 0 });
      expect(await countSpans(db().pool)).toBe(7);
      expect(writer.stats().requestsFailed).toBe(0);
    } finally {
      await writer?.close();
      writer = undefined;
      await single.end();
    }
  });

  describe("when the database goes away", () => {
    let proxy: TcpProxy;
    let proxiedPool: pg.Pool;

    beforeEach(async () => {
      const url = new URL(db().url);
      proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
      proxiedPool = createPool(proxy.rewriteUrl(db().url), { max: 4, applicationName: "span-writer-outage-test" });
    });

    afterEach(async () => {
      await writer?.close();
      writer = undefined;
      await proxy.close();
      await proxiedPool.end();
    });

    it("answers DatabaseUnavailableError during the outage and recovers without a restart", async () => {
      writer = new SpanWriter(proxiedPool, { connections: 2, batchMaxWaitMs: 1, checkoutTimeoutMs: 2_000 });
      writer.start();
      expect(await writer.submit(makeRequest(10))).toEqual({ inserted: 10, duplicates: 0 });

      await proxy.cut(); // refuses new connections and resets the pooled ones
      const during = makeRequest(10);
      const error = await writer.submit(during).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect((error as DatabaseUnavailableError).retryAfterSeconds).toBe(2);
      expect(await writer.submit(makeRequest(5)).catch((e: unknown) => e)).toBeInstanceOf(DatabaseUnavailableError);

      await proxy.restore(); // same port
      // The same writer, same pool: the retried request now goes through.
      expect(await writer.submit(during)).toEqual({ inserted: 10, duplicates: 0 });
      expect(await countSpans(db().pool)).toBe(20);
      expect(writer.stats().lastError).toBeDefined();
    });

    it("leaves nothing half-written when the connection dies before COMMIT", async () => {
      writer = new SpanWriter(proxiedPool, { connections: 1, batchMaxWaitMs: 1 });
      writer.start();
      // Partitions and the resource exist first, so only the span transaction is cut.
      await writer.submit(makeRequest(1));
      await db().pool.query("TRUNCATE spans, services, operations");
      const request = makeRequest(500, "cut-before-commit");
      proxy.cutOnCommit(true);
      const error = await writer.submit(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      // The COPY had reached the server; the transaction never committed.
      expect(
        await storedSpanIds(
          db().pool,
          request.spans.map((s) => s.spanId),
        ),
      ).toEqual([]);
      expect(await countSpans(db().pool)).toBe(0);
      expect((await db().pool.query("SELECT 1 FROM services")).rowCount).toBe(0);

      proxy.cutOnCommit(false);
      expect(await writer.submit(request)).toEqual({ inserted: 500, duplicates: 0 });
      expect(await countSpans(db().pool)).toBe(500);
    });

    it("gives up on a connection that silently stops answering, discards it and recovers", async () => {
      writer = new SpanWriter(proxiedPool, { connections: 1, batchMaxWaitMs: 1, writeTimeoutMs: 300 });
      writer.start();
      await writer.submit(makeRequest(1)); // a pooled connection, partitions and the resource exist
      const request = makeRequest(50, "blackholed");
      proxy.blackhole(true); // no RST, no FIN: bytes just stop arriving
      const started = performance.now();
      const error = await writer.submit(request).catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect((error as Error).message).toMatch(/no answer from the database within 1300 ms; connection discarded/);
      expect(elapsed).toBeGreaterThanOrEqual(1_200);
      expect(elapsed).toBeLessThan(5_000);
      expect(proxiedPool.totalCount).toBe(0); // the stuck connection was not returned to the pool

      proxy.blackhole(false);
      expect(await writer.submit(request)).toEqual({ inserted: 50, duplicates: 0 });
      expect(await countSpans(db().pool)).toBe(51);
    });
  });
});
