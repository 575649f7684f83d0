import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs/minimal.js";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "@/lib/db/pool";
import { parseEnv } from "@/lib/env";
import { decodeTraceRequest } from "@/lib/otlp/decode";
import { createLogger, silentLogger, type Logger } from "@/lib/server/logger";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { decodeExportResponse, makeSpan, protobufBody, pseudoRandomBytes, randomTraceId } from "@/lib/test/otlp-requests";
import { startTcpProxy, type TcpProxy } from "@/lib/test/tcp-proxy";
import { startOtlpGrpcReceiver, TRACE_EXPORT_PATH, type OtlpGrpcReceiver } from "./grpc-receiver";
import { createBodyBudget } from "./read-body";
import { SpanWriter } from "./span-writer";

const MiB = 1024 * 1024;
const TOKEN = "grpc-ingest-token-abcdef";

type CallResult = { error: grpc.ServiceError | null; response?: Buffer };

const identity = (bytes: Buffer) => bytes;

/** A raw client: sends arbitrary bytes to TraceService/Export (so bad bodies can be sent). */
function makeClient(port: number, options: grpc.ChannelOptions = {}): grpc.Client {
  return new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options);
}

function exportRaw(client: grpc.Client, body: Buffer, metadata = new grpc.Metadata()): Promise<CallResult> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      TRACE_EXPORT_PATH,
      identity,
      identity,
      body,
      metadata,
      { deadline: Date.now() + 20_000 },
      (error, response) => resolve({ error, response }),
    );
  });
}

/** Reads google.rpc.RetryInfo.retry_delay.seconds out of grpc-status-details-bin, if present. */
function retryDelaySeconds(error: grpc.ServiceError): number | undefined {
  const [details] = error.metadata.get("grpc-status-details-bin");
  if (!Buffer.isBuffer(details)) return undefined;
  const readFields = (bytes: Uint8Array) => {
    const reader = protobuf.Reader.create(bytes);
    const fields = new Map<number, Uint8Array[] | number[]>();
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      const value = (tag & 7) === 2 ? reader.bytes() : Number(reader.int64());
      const list = (fields.get(field) ?? []) as (Uint8Array | number)[];
      list.push(value);
      fields.set(field, list as Uint8Array[] | number[]);
    }
    return fields;
  };
  const status = readFields(details);
  for (const anyBytes of (status.get(3) ?? []) as Uint8Array[]) {
    const any = readFields(anyBytes);
    const typeUrl = Buffer.from((any.get(1) as Uint8Array[])[0]).toString();
    if (typeUrl !== "type.googleapis.com/google.rpc.RetryInfo") continue;
    const retryInfo = readFields((any.get(2) as Uint8Array[])[0]);
    const duration = readFields((retryInfo.get(1) as Uint8Array[])[0]);
    return (duration.get(1) as number[])[0];
  }
  return undefined;
}

let db: TestDatabase;
let writer: SpanWriter;
let open: OtlpGrpcReceiver;
let guarded: OtlpGrpcReceiver;
let client: grpc.Client;
let gzipClient: grpc.Client;
let guardedClient: grpc.Client;
const logLines: string[] = [];
const captureLog: Logger = createLogger({ level: "debug", write: (_level, line) => logLines.push(line) });

const countSpans = async (traceId?: string) =>
  (traceId
    ? await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM spans WHERE trace_id = $1::uuid", [traceId])
    : await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM spans")
  ).rows[0].n;

beforeAll(async () => {
  db = await createTestDatabase();
  writer = new SpanWriter(db.pool, { batchMaxWaitMs: 5 });
  writer.start();
  const env = parseEnv({ BREAKWATER_MAX_BODY_SIZE: "1MiB" });
  open = await startOtlpGrpcReceiver({ writer, env, log: silentLogger }, { host: "127.0.0.1", port: 0 });
  const tokenEnv = parseEnv({ BREAKWATER_MAX_BODY_SIZE: "1MiB", BREAKWATER_INGEST_TOKENS: TOKEN });
  guarded = await startOtlpGrpcReceiver({ writer, env: tokenEnv, log: captureLog }, { host: "127.0.0.1", port: 0 });
  client = makeClient(open.port);
  // grpc.default_compression_algorithm 2 = gzip: every message goes out with grpc-encoding gzip.
  gzipClient = makeClient(open.port, { "grpc.default_compression_algorithm": 2 });
  guardedClient = makeClient(guarded.port);
});

afterAll(async () => {
  client?.close();
  gzipClient?.close();
  guardedClient?.close();
  await open?.close(1000);
  await guarded?.close(1000);
  await writer?.close();
  await db?.close();
});

describe("OTLP/gRPC receiver", () => {
  it("stores an export and answers an empty ExportTraceServiceResponse", async () => {
    const span = makeSpan();
    const { error, response } = await exportRaw(client, protobufBody([span]));
    expect(error).toBeNull();
    expect(response && decodeExportResponse(response)).toBeUndefined();
    expect(await countSpans(span.traceId)).toBe(1);
  });

  it("accepts gzip-compressed messages", async () => {
    const span = makeSpan();
    const { error } = await exportRaw(gzipClient, protobufBody([span]));
    expect(error).toBeNull();
    expect(await countSpans(span.traceId)).toBe(1);
  });

  it("reports rejected spans as partial success in the response message", async () => {
    const traceId = randomTraceId();
    const { error, response } = await exportRaw(
      client,
      protobufBody([makeSpan({ traceId }), makeSpan({ traceId: "0".repeat(32) })]),
    );
    expect(error).toBeNull();
    expect(response && decodeExportResponse(response)?.rejectedSpans).toBe(1);
    expect(await countSpans(traceId)).toBe(1);
  });

  it("answers INVALID_ARGUMENT to an undecodable message and stores nothing", async () => {
    const before = await countSpans();
    const { error } = await exportRaw(client, pseudoRandomBytes(2048));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/protobuf/i);
    const whole = protobufBody([makeSpan()]);
    const truncated = await exportRaw(client, whole.subarray(0, whole.length - 5));
    expect(truncated.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await countSpans()).toBe(before);
  });

  it("answers RESOURCE_EXHAUSTED without RetryInfo to a message over the limit", async () => {
    const before = await countSpans();
    const big = makeSpan({ attributes: [{ key: "blob", value: { stringValue: "z".repeat(MiB + 100) } }] });
    const { error } = await exportRaw(client, protobufBody([big]));
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(error && retryDelaySeconds(error)).toBeUndefined();
    expect(await countSpans()).toBe(before);
  });

  it("answers RESOURCE_EXHAUSTED when a small gzip message inflates past the limit", async () => {
    const before = await countSpans();
    // Compresses to a few KiB, inflates to over 1 MiB.
    const big = makeSpan({ attributes: [{ key: "blob", value: { stringValue: "z".repeat(2 * MiB) } }] });
    const { error } = await exportRaw(gzipClient, protobufBody([big]));
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(await countSpans()).toBe(before);
  });

  it("requires the ingest token when one is configured (UNAUTHENTICATED)", async () => {
    const span = makeSpan();
    const missing = await exportRaw(guardedClient, protobufBody([span]));
    expect(missing.error?.code).toBe(grpc.status.UNAUTHENTICATED);
    const wrongMetadata = new grpc.Metadata();
    wrongMetadata.set("authorization", "Bearer not-the-token");
    const wrong = await exportRaw(guardedClient, protobufBody([span]), wrongMetadata);
    expect(wrong.error?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(await countSpans(span.traceId)).toBe(0);

    const rightMetadata = new grpc.Metadata();
    rightMetadata.set("authorization", `Bearer ${TOKEN}`);
    const right = await exportRaw(guardedClient, protobufBody([span]), rightMetadata);
    expect(right.error).toBeNull();
    expect(await countSpans(span.traceId)).toBe(1);
  });

  it("never logs the token, right or wrong, nor the authorization value", async () => {
    const wrongToken = "wrong-token-0123456789abcdef";
    const before = logLines.length;
    for (const value of [undefined, `Bearer ${wrongToken}`, `Bearer ${TOKEN}`, `Basic ${TOKEN}`]) {
      const metadata = new grpc.Metadata();
      if (value !== undefined) metadata.set("authorization", value);
      await exportRaw(guardedClient, protobufBody([makeSpan()]), metadata);
    }
    const lines = logLines.slice(before);
    // One line per call: three refusals (warn) and one export (debug).
    expect(lines).toHaveLength(4);
    expect(lines.filter((line) => line.includes("UNAUTHENTICATED"))).toHaveLength(3);
    const text = lines.join("\n");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(wrongToken);
    expect(text).not.toMatch(/Basic/);
  });
});

describe("OTLP/gRPC receiver: database down", () => {
  let proxy: TcpProxy;
  let proxiedPool: pg.Pool;
  let proxiedWriter: SpanWriter;
  let receiver: OtlpGrpcReceiver;
  let proxiedClient: grpc.Client;

  beforeAll(async () => {
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    proxiedPool = createPool(proxy.rewriteUrl(db.url), { max: 3 });
    proxiedWriter = new SpanWriter(proxiedPool, { batchMaxWaitMs: 5, checkoutTimeoutMs: 1_000 });
    proxiedWriter.start();
    receiver = await startOtlpGrpcReceiver(
      { writer: proxiedWriter, env: parseEnv({}), log: silentLogger },
      { host: "127.0.0.1", port: 0 },
    );
    proxiedClient = makeClient(receiver.port);
  });

  afterAll(async () => {
    proxiedClient?.close();
    await receiver?.close(1000);
    await proxiedWriter?.close();
    await proxy?.restore();
    await proxiedPool?.end();
    await proxy?.close();
  });

  it("answers UNAVAILABLE with RetryInfo while PostgreSQL is unreachable, then recovers", async () => {
    expect((await exportRaw(proxiedClient, protobufBody([makeSpan()]))).error).toBeNull();
    await proxy.cut();
    const span = makeSpan();
    const { error } = await exportRaw(proxiedClient, protobufBody([span]));
    expect(error?.code).toBe(grpc.status.UNAVAILABLE);
    const delay = error ? retryDelaySeconds(error) : undefined;
    expect(delay).toBeGreaterThanOrEqual(1);
    expect(delay).toBeLessThanOrEqual(5);

    await proxy.restore();
    const deadline = Date.now() + 15_000;
    let result = await exportRaw(proxiedClient, protobufBody([span]));
    while (result.error && Date.now() < deadline) {
      expect(result.error.code).toBe(grpc.status.UNAVAILABLE);
      await new Promise((resolve) => setTimeout(resolve, 200));
      result = await exportRaw(proxiedClient, protobufBody([span]));
    }
    expect(result.error).toBeNull();
    expect(await countSpans(span.traceId)).toBe(1);
  });
});

describe("OTLP/gRPC receiver: overload", () => {
  it("refuses with UNAVAILABLE + RetryInfo before reading the message while the writer's queue is full", async () => {
    // A writer that is never started: what is submitted stays queued. One span fills it.
    const fullWriter = new SpanWriter(db.pool, { queueMaxSpans: 1 });
    const queued = fullWriter.submit(decodeTraceRequest(protobufBody([makeSpan()]), "protobuf", { maxAttributeValueLength: 64 }));
    queued.catch(() => {}); // rejected (WRITER_CLOSED) by close() below
    const env = parseEnv({ BREAKWATER_MAX_BODY_SIZE: "1MiB" });
    const receiver = await startOtlpGrpcReceiver({ writer: fullWriter, env, log: silentLogger }, { host: "127.0.0.1", port: 0 });
    const fullClient = makeClient(receiver.port);
    try {
      // 2 MiB is over the 1 MiB message limit: had the message been read, the answer would
      // be RESOURCE_EXHAUSTED (too large). UNAVAILABLE shows it was refused unread.
      const big = makeSpan({ attributes: [{ key: "blob", value: { stringValue: "q".repeat(2 * MiB) } }] });
      const { error } = await exportRaw(fullClient, protobufBody([big]));
      expect(error?.code).toBe(grpc.status.UNAVAILABLE);
      expect(error?.details).toBe("ingest queue is full; retry later");
      expect(error && retryDelaySeconds(error)).toBe(2);
      expect(fullWriter.stats().requestsRefused).toBe(0); // never decoded nor submitted
    } finally {
      fullClient.close();
      await receiver.close(1000);
      await fullWriter.close();
    }
  });

  it("counts messages against the body budget: UNAVAILABLE + RetryInfo when it is exhausted or would be passed", async () => {
    const budget = createBodyBudget(MiB);
    const receiver = await startOtlpGrpcReceiver(
      { writer, env: parseEnv({}), log: silentLogger, bodyBudget: budget },
      { host: "127.0.0.1", port: 0 },
    );
    const budgetClient = makeClient(receiver.port);
    const holder = budget.lease(); // as another request holding bytes would
    try {
      expect(holder.growTo(MiB)).toBe(true);
      const exhausted = await exportRaw(budgetClient, protobufBody([makeSpan()]));
      expect(exhausted.error?.code).toBe(grpc.status.UNAVAILABLE);
      expect(exhausted.error?.details).toBe("too many request bytes in flight; retry later");
      expect(exhausted.error && retryDelaySeconds(exhausted.error)).toBe(2);

      holder.release();
      const other = budget.lease();
      expect(other.growTo(900 * 1024)).toBe(true);
      const span = makeSpan({ attributes: [{ key: "blob", value: { stringValue: "w".repeat(300 * 1024) } }] });
      const passed = await exportRaw(budgetClient, protobufBody([span]));
      expect(passed.error?.code).toBe(grpc.status.UNAVAILABLE);
      expect(passed.error && retryDelaySeconds(passed.error)).toBe(1);
      expect(budget.usedBytes()).toBe(900 * 1024);
      other.release();

      const accepted = await exportRaw(budgetClient, protobufBody([span]));
      expect(accepted.error).toBeNull();
      expect(await countSpans(span.traceId)).toBe(1);
      expect(budget.usedBytes()).toBe(0);
    } finally {
      holder.release();
      budgetClient.close();
      await receiver.close(1000);
    }
  });
});
