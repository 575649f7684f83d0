import net from "node:net";
import type pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPool } from "@/lib/db/pool";
import { SPAN_KIND, STATUS_CODE, type NormalizedSpan, type ResourceRecord, type SpanBatch } from "@/lib/otlp/model";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
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

/**
 * A TCP proxy between the pool and PostgreSQL, to simulate outages: close() refuses new
 * connections and cuts open ones; `cutOnCommit` cuts a connection instead of forwarding
 * its COMMIT (the transaction dies with everything before it already sent).
 */
class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  cutOnCommit = false;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      this.track(client);
      this.track(upstream);
      client.on("data", (chunk: Buffer) => {
        // A simple-protocol Query message carrying COMMIT: 'Q', int32 length, "COMMIT\0".
        if (this.cutOnCommit && chunk.includes("COMMIT\0")) {
          client.destroy();
          upstream.destroy();
          return;
        }
        upstream.write(chunk);
      });
      upstream.on("data", (chunk: Buffer) => client.write(chunk));
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
  }
}

let db: TestDatabase;
let writer: SpanWriter | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

beforeEach(async () => {
  await db.pool.query("TRUNCATE spans, resources, scopes, services, operations");
});

afterEach(async () => {
  await writer?.close();
  writer = undefined;
});

async function countSpans(pool: pg.Pool = db.pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM spans");
  return Number(rows[0].n);
}

async function storedSpanIds(request: SpanBatch): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(
    "SELECT encode(span_id, 'hex') AS id FROM spans WHERE span_id = ANY($1::bytea[]) ORDER BY 1",
    [request.spans.map((s) => Buffer.from(s.spanId, "hex"))],
  );
  return rows.map((r) => r.id);
}

describe("SpanWriter", () => {
  it("writes spans through to PostgreSQL and acknowledges after commit", async () => {
    writer = new SpanWriter(db.pool, { connections: 2, batchMaxWaitMs: 5 });
    writer.start();
    const request = makeRequest(1000);
    expect(await writer.submit(request)).toEqual({ inserted: 1000, duplicates: 0 });
    expect(await countSpans()).toBe(1000);
    const { rows } = await db.pool.query(
      "SELECT (SELECT count(*)::int FROM resources) AS resources, (SELECT span_count::int FROM services) AS span_count",
    );
    expect(rows[0]).toEqual({ resources: 1, span_count: 1000 });
    const sample = await db.pool.query(
      "SELECT duration_ns::text AS d, attributes FROM spans WHERE span_id = $1",
      [Buffer.from(request.spans[10].spanId, "hex")],
    );
    expect(sample.rows).toEqual([{ d: request.spans[10].durationNs.toString(), attributes: request.spans[10].attributes }]);
    expect(writer.stats()).toMatchObject({ spansWritten: 1000, requestsWritten: 1, queuedSpans: 0 });
  });

  it("acknowledges a duplicate delivery without adding rows", async () => {
    writer = new SpanWriter(db.pool, { batchMaxWaitMs: 1 });
    writer.start();
    const request = makeRequest(30);
    await writer.submit(request);
    expect(await writer.submit(request)).toEqual({ inserted: 0, duplicates: 30 });
    expect(await countSpans()).toBe(30);
    expect(writer.stats().duplicateSpans).toBe(30);
  });

  it("coalesces concurrent submits into fewer transactions, with per-request results", async () => {
    writer = new SpanWriter(db.pool, { connections: 2, batchMaxSpans: 4000, batchMaxWaitMs: 50 });
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
    expect(await countSpans()).toBe(10 + 40 * 50 + 5);
  });

  it("does not make a request wait for company while another batch is being written", async () => {
    writer = new SpanWriter(db.pool, { connections: 2, batchMaxSpans: 100, batchMaxWaitMs: 5_000 });
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
    writer = new SpanWriter(db.pool, { queueMaxSpans: 100, batchMaxWaitMs: 1 });
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
    expect(await storedSpanIds(refused)).toEqual([]);
    expect(await countSpans()).toBe(100);
  });

  it("takes a request larger than the whole queue when the queue is empty", async () => {
    writer = new SpanWriter(db.pool, { queueMaxSpans: 10, batchMaxSpans: 10, batchMaxWaitMs: 1 });
    writer.start();
    expect(await writer.submit(makeRequest(25))).toEqual({ inserted: 25, duplicates: 0 });
  });

  it("rejects only the bad request of a coalesced batch", async () => {
    writer = new SpanWriter(db.pool, { connections: 1, batchMaxWaitMs: 30 });
    writer.start();
    const good = makeRequest(10);
    const bad = makeRequest(1);
    bad.spans[0] = { ...bad.spans[0], traceId: "zz".repeat(16) };
    const [goodResult, badResult] = await Promise.allSettled([writer.submit(good), writer.submit(bad)]);
    expect(goodResult).toEqual({ status: "fulfilled", value: { inserted: 10, duplicates: 0 } });
    expect(badResult.status).toBe("rejected");
    expect((badResult as PromiseRejectedResult).reason).toMatchObject({ code: "22P02" });
    expect((badResult as PromiseRejectedResult).reason).not.toBeInstanceOf(DatabaseUnavailableError);
    expect(await countSpans()).toBe(10);
    expect(writer.stats().lastError?.code).toBe("22P02");
  });

  it("drains the queue on close and refuses later submits", async () => {
    writer = new SpanWriter(db.pool, { batchMaxWaitMs: 10_000 });
    writer.start();
    const pending = [writer.submit(makeRequest(10)), writer.submit(makeRequest(10))];
    await writer.close();
    expect(await Promise.all(pending)).toEqual([
      { inserted: 10, duplicates: 0 },
      { inserted: 10, duplicates: 0 },
    ]);
    await expect(writer.submit(makeRequest(1))).rejects.toMatchObject({ code: "WRITER_CLOSED" });
    expect(await countSpans()).toBe(20);
  });

  describe("when the database goes away", () => {
    let proxy: TcpProxy;
    let proxiedPool: pg.Pool;

    beforeEach(async () => {
      const url = new URL(db.url);
      proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
      await proxy.open();
      url.hostname = "127.0.0.1";
      url.port = String(proxy.port);
      proxiedPool = createPool(url.toString(), { max: 4, applicationName: "span-writer-outage-test" });
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

      await proxy.close(); // refuses new connections and cuts the pooled ones
      const during = makeRequest(10);
      const error = await writer.submit(during).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect((error as DatabaseUnavailableError).retryAfterSeconds).toBe(2);
      expect(await writer.submit(makeRequest(5)).catch((e: unknown) => e)).toBeInstanceOf(DatabaseUnavailableError);

      await proxy.open(); // same port
      // The same writer, same pool: the retried request now goes through.
      expect(await writer.submit(during)).toEqual({ inserted: 10, duplicates: 0 });
      expect(await countSpans()).toBe(20);
      expect(writer.stats().lastError).toBeDefined();
    });

    it("leaves nothing half-written when the connection dies before COMMIT", async () => {
      writer = new SpanWriter(proxiedPool, { connections: 1, batchMaxWaitMs: 1 });
      writer.start();
      // Partitions and the resource exist first, so only the span transaction is cut.
      await writer.submit(makeRequest(1));
      await db.pool.query("TRUNCATE spans, services, operations");
      const request = makeRequest(500, "cut-before-commit");
      proxy.cutOnCommit = true;
      const error = await writer.submit(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      // The COPY had reached the server; the transaction never committed.
      expect(await storedSpanIds(request)).toEqual([]);
      expect(await countSpans()).toBe(0);
      expect((await db.pool.query("SELECT 1 FROM services")).rowCount).toBe(0);

      proxy.cutOnCommit = false;
      expect(await writer.submit(request)).toEqual({ inserted: 500, duplicates: 0 });
      expect(await countSpans()).toBe(500);
    });
  });
});
