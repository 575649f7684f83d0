import { randomInt } from "node:crypto";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import zlib from "node:zlib";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "@/lib/db/pool";
import { parseEnv } from "@/lib/env";
import { loadTraceSpans } from "@/lib/queries/load-trace-spans";
import { decodeTraceRequest } from "@/lib/otlp/decode";
import { createLogger, type Logger } from "@/lib/server/logger";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import {
  decodeExportResponse,
  decodeRpcStatus,
  jsonBody,
  makeSpan,
  protobufBody,
  pseudoRandomBytes,
  randomTraceId,
} from "@/lib/test/otlp-requests";
import { startTcpProxy, type TcpProxy } from "@/lib/test/tcp-proxy";
import { createOtlpHttpHandler } from "./http-receiver";
import { createBodyBudget, getSharedBodyBudget } from "./read-body";
import { SpanWriter } from "./span-writer";

const MiB = 1024 * 1024;
const TOKEN = "s3cret-ingest-token-0123456789";

type Reply = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

async function startReceiver(handler: http.RequestListener): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One request over node:http: `body` is sent with Content-Length unless `write` drives it. */
function request(
  port: number,
  options: {
    method?: string;
    path?: string;
    headers?: http.OutgoingHttpHeaders;
    body?: Buffer;
    write?: (req: http.ClientRequest) => void;
  },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (options.body && !options.write) headers["content-length"] = options.body.length;
    const req = http.request(
      { host: "127.0.0.1", port, method: options.method ?? "POST", path: options.path ?? "/v1/traces", headers, agent: false },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (chunk: Buffer) => parts.push(chunk));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) });
          req.destroy();
        });
      },
    );
    req.on("error", reject);
    if (options.write) options.write(req);
    else req.end(options.body);
  });
}

/**
 * Random characters from 1- to 4-byte UTF-8 ranges (ASCII, Latin/Greek, CJK, emoji), at least
 * `bytes` UTF-8 bytes long: incompressible, so PostgreSQL cannot squeeze it into an index row.
 */
function randomText(bytes: number): string {
  const ranges = [
    [0x21, 0x7e],
    [0xa1, 0x7ff],
    [0x4e00, 0x9fff],
    [0x1f600, 0x1f64f],
  ] as const;
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const [low, high] = ranges[randomInt(ranges.length)];
    const char = String.fromCodePoint(randomInt(low, high + 1));
    parts.push(char);
    size += Buffer.byteLength(char);
  }
  return parts.join("");
}

const PROTOBUF = { "content-type": "application/x-protobuf" };
const JSON_TYPE = { "content-type": "application/json" };

let db: TestDatabase;
let writer: SpanWriter;
let small: { port: number; close(): Promise<void> }; // 1 MiB limit
let standard: { port: number; close(): Promise<void> }; // default 64 MiB limit
let guarded: { port: number; close(): Promise<void> }; // ingest tokens
const logLines: string[] = [];
const captureLog: Logger = createLogger({ level: "debug", write: (_level, line) => logLines.push(line) });

async function countSpans(traceId?: string): Promise<number> {
  const result = traceId
    ? await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM spans WHERE trace_id = $1::uuid", [traceId])
    : await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM spans");
  return result.rows[0].n;
}

const RPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, UNAUTHENTICATED: 16 } as const;

/**
 * Asserts an error answer: its HTTP status, a Content-Type in the request's encoding, and a
 * body that decodes as google.rpc.Status (protobuf or JSON) with this code and a message
 * matching `message`.
 */
function expectRpcStatus(reply: Reply, httpStatus: number, format: "protobuf" | "json", code: number, message: RegExp): void {
  expect(reply.status).toBe(httpStatus);
  expect(reply.headers["content-type"]).toBe(format === "json" ? "application/json" : "application/x-protobuf");
  expect(Number(reply.headers["content-length"])).toBe(reply.body.length);
  const status =
    format === "json" ? (JSON.parse(reply.body.toString()) as { code: number; message: string }) : decodeRpcStatus(reply.body);
  expect(status.code).toBe(code);
  expect(status.message).toMatch(message);
}

/** Asserts that `action` leaves the spans table unchanged. */
async function expectNothingStored<T>(action: () => Promise<T>): Promise<T> {
  const before = await countSpans();
  const result = await action();
  expect(await countSpans()).toBe(before);
  return result;
}

beforeAll(async () => {
  db = await createTestDatabase();
  writer = new SpanWriter(db.pool, { batchMaxWaitMs: 5 });
  writer.start();
  const smallEnv = parseEnv({ BREAKWATER_MAX_BODY_SIZE: "1MiB" });
  small = await startReceiver(createOtlpHttpHandler({ writer, env: smallEnv, log: captureLog }));
  standard = await startReceiver(createOtlpHttpHandler({ writer, env: parseEnv({}), log: captureLog }));
  const tokenEnv = parseEnv({ BREAKWATER_MAX_BODY_SIZE: "1MiB", BREAKWATER_INGEST_TOKENS: `other-token,${TOKEN}` });
  guarded = await startReceiver(createOtlpHttpHandler({ writer, env: tokenEnv, log: captureLog }));
});

afterAll(async () => {
  await small?.close();
  await standard?.close();
  await guarded?.close();
  await writer?.close();
  await db?.close();
});

describe("OTLP/HTTP receiver: accepted requests", () => {
  it("stores a protobuf request and answers 200 with an empty ExportTraceServiceResponse after COMMIT", async () => {
    const span = makeSpan();
    const reply = await request(small.port, { headers: PROTOBUF, body: protobufBody([span]) });
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("application/x-protobuf");
    expect(decodeExportResponse(reply.body)).toBeUndefined();
    // The answer came after COMMIT: the row is visible to another connection right away.
    expect(await countSpans(span.traceId)).toBe(1);
  });

  it("stores a JSON request (Content-Type with charset) and answers {} in JSON", async () => {
    const span = makeSpan();
    const reply = await request(small.port, {
      headers: { "content-type": "application/json; charset=utf-8" },
      body: jsonBody([span]),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(reply.body.toString())).toEqual({});
    expect(await countSpans(span.traceId)).toBe(1);
  });

  it("accepts a gzip-compressed request", async () => {
    const span = makeSpan();
    const reply = await request(small.port, {
      headers: { ...PROTOBUF, "content-encoding": "gzip" },
      body: zlib.gzipSync(protobufBody([span])),
    });
    expect(reply.status).toBe(200);
    expect(await countSpans(span.traceId)).toBe(1);
  });

  it("answers an empty protobuf request (zero bytes) with success and stores nothing", async () => {
    const reply = await expectNothingStored(() => request(small.port, { headers: PROTOBUF, body: Buffer.alloc(0) }));
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("application/x-protobuf");
    expect(reply.body.length).toBe(0); // the empty ExportTraceServiceResponse
    expect(decodeExportResponse(reply.body)).toBeUndefined();
  });

  it("answers an empty JSON request (zero bytes or {}) with success, {}, and stores nothing", async () => {
    for (const body of [Buffer.alloc(0), Buffer.from("{}")]) {
      const reply = await expectNothingStored(() => request(small.port, { headers: JSON_TYPE, body }));
      expect(reply.status, reply.body.toString()).toBe(200);
      expect(reply.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(reply.body.toString())).toEqual({});
    }
  });

  it("ignores unknown JSON fields (200, stored)", async () => {
    const span = makeSpan({ someFutureField: { nested: true }, anotherOne: 42 });
    const body = JSON.stringify({ ...JSON.parse(jsonBody([span]).toString()), unknownTopLevel: "x" });
    const reply = await request(small.port, { headers: JSON_TYPE, body: Buffer.from(body) });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body.toString())).toEqual({});
    // Through the reader: stored attribute keys are dictionary ids.
    const stored = await loadTraceSpans(db.pool, [span.traceId]);
    expect(stored.map(({ name, attributes }) => ({ name, attributes }))).toEqual([
      { name: "GET /things", attributes: { "http.request.method": "GET" } },
    ]);
  });

  it("reports an all-zero trace id among valid spans as partial success and stores the valid ones", async () => {
    const traceId = randomTraceId();
    const good1 = makeSpan({ traceId });
    const good2 = makeSpan({ traceId });
    const bad = makeSpan({ traceId: "0".repeat(32) });
    const reply = await request(small.port, { headers: PROTOBUF, body: protobufBody([good1, bad, good2]) });
    expect(reply.status).toBe(200);
    const partial = decodeExportResponse(reply.body);
    expect(partial?.rejectedSpans).toBe(1);
    expect(partial?.errorMessage).toMatch(/1 span rejected/);
    expect(await countSpans(traceId)).toBe(2);
    expect(await countSpans("0".repeat(32))).toBe(0);
  });

  it("reports partial success in JSON too (rejectedSpans as an int64 string)", async () => {
    const reply = await request(small.port, {
      headers: JSON_TYPE,
      body: jsonBody([makeSpan(), makeSpan({ spanId: "0".repeat(16) })]),
    });
    expect(reply.status).toBe(200);
    const parsed = JSON.parse(reply.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(parsed.partialSuccess.rejectedSpans).toBe("1");
    expect(parsed.partialSuccess.errorMessage).not.toBe("");
  });

  it("acknowledges a duplicate batch without adding rows", async () => {
    const traceId = randomTraceId();
    const body = protobufBody([makeSpan({ traceId }), makeSpan({ traceId })]);
    expect((await request(small.port, { headers: PROTOBUF, body })).status).toBe(200);
    expect(await countSpans(traceId)).toBe(2);
    const again = await expectNothingStored(() => request(small.port, { headers: PROTOBUF, body }));
    expect(again.status).toBe(200);
    expect(decodeExportResponse(again.body)).toBeUndefined();
    expect(await countSpans(traceId)).toBe(2);
  });

  it("strips NUL bytes before storing", async () => {
    const span = makeSpan({
      name: "na\u0000me",
      attributes: [{ key: "k\u0000ey", value: { stringValue: "va\u0000lue" } }],
    });
    const reply = await request(small.port, { headers: JSON_TYPE, body: jsonBody([span]) });
    expect(reply.status).toBe(200);
    const stored = await loadTraceSpans(db.pool, [span.traceId]);
    expect(stored.map(({ name, attributes }) => ({ name, attributes }))).toEqual([
      { name: "name", attributes: { key: "value" } },
    ]);
  });

  it("stores a 100 KB random span name and a 10 KB service.name capped at 1024 UTF-8 bytes (not a 500)", async () => {
    const traceId = randomTraceId();
    const longName = randomText(100 * 1024);
    const longService = randomText(10 * 1024);
    const long = makeSpan({ traceId, name: longName });
    const normal = makeSpan({ traceId });
    for (const [format, body] of [
      ["protobuf", protobufBody([long, normal], longService)],
      ["json", jsonBody([makeSpan({ traceId, name: longName }), makeSpan({ traceId })], longService)],
    ] as const) {
      const reply = await request(standard.port, { headers: format === "json" ? JSON_TYPE : PROTOBUF, body });
      expect(reply.status, reply.body.toString()).toBe(200);
    }
    const { rows } = await db.pool.query<{ name: string; service_name: string }>(
      "SELECT name, service_name FROM spans WHERE trace_id = $1::uuid ORDER BY octet_length(name) DESC",
      [traceId],
    );
    expect(rows).toHaveLength(4); // both spans of both requests
    const [stored] = rows;
    for (const [value, original] of [
      [stored.name, longName],
      [stored.service_name, longService],
    ]) {
      expect(Buffer.byteLength(value)).toBeLessThanOrEqual(1024);
      expect(Buffer.byteLength(value)).toBeGreaterThan(1020);
      expect(original.startsWith(value)).toBe(true);
      expect(value.isWellFormed()).toBe(true);
    }
    expect(rows.every((row) => row.service_name === stored.service_name)).toBe(true);
    const services = await db.pool.query("SELECT 1 FROM services WHERE name = $1", [stored.service_name]);
    expect(services.rowCount).toBe(1);
    const operations = await db.pool.query("SELECT 1 FROM operations WHERE service_name = $1 AND name = $2", [
      stored.service_name,
      stored.name,
    ]);
    expect(operations.rowCount).toBe(1);
  });

  it("caps a 1 MiB attribute value in storage", async () => {
    const span = makeSpan({ attributes: [{ key: "big", value: { stringValue: "x".repeat(MiB) } }] });
    const reply = await request(standard.port, { headers: PROTOBUF, body: protobufBody([span]) });
    expect(reply.status).toBe(200);
    const stored = await loadTraceSpans(db.pool, [span.traceId]);
    expect(stored.map((s) => String(s.attributes.big).length)).toEqual([parseEnv({}).BREAKWATER_MAX_ATTRIBUTE_VALUE_LENGTH]);
  });
});

describe("OTLP/HTTP receiver: refused requests store nothing", () => {
  it("answers 400 with a protobuf Status to a truncated protobuf body", async () => {
    const whole = protobufBody([makeSpan(), makeSpan()]);
    const reply = await expectNothingStored(() =>
      request(small.port, { headers: PROTOBUF, body: whole.subarray(0, whole.length - 7) }),
    );
    expectRpcStatus(reply, 400, "protobuf", RPC.INVALID_ARGUMENT, /^invalid protobuf ExportTraceServiceRequest: /);
  });

  it("answers 400 to random bytes", async () => {
    const reply = await expectNothingStored(() => request(small.port, { headers: PROTOBUF, body: pseudoRandomBytes(4096) }));
    expectRpcStatus(reply, 400, "protobuf", RPC.INVALID_ARGUMENT, /^invalid protobuf ExportTraceServiceRequest: /);
  });

  it("answers 400 with a JSON Status to JSON with wrong types", async () => {
    const body = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ ...makeSpan(), name: 12345, startTimeUnixNano: { a: 1 } }] }] }],
    });
    const reply = await expectNothingStored(() => request(small.port, { headers: JSON_TYPE, body: Buffer.from(body) }));
    expectRpcStatus(
      reply,
      400,
      "json",
      RPC.INVALID_ARGUMENT,
      /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.(name|startTimeUnixNano)/,
    );
  });

  it("answers 400 to malformed JSON", async () => {
    const reply = await expectNothingStored(() =>
      request(small.port, { headers: JSON_TYPE, body: Buffer.from('{"resourceSpans": [') }),
    );
    expectRpcStatus(reply, 400, "json", RPC.INVALID_ARGUMENT, /^invalid OTLP\/JSON: .*JSON/);
  });

  it("answers 400 to an enum given as a name (OTLP/JSON requires integers)", async () => {
    const reply = await expectNothingStored(() =>
      request(small.port, { headers: JSON_TYPE, body: jsonBody([makeSpan({ kind: "SPAN_KIND_SERVER" })]) }),
    );
    expectRpcStatus(
      reply,
      400,
      "json",
      RPC.INVALID_ARGUMENT,
      /spans\[0\]\.kind: expected an integer enum value \(OTLP\/JSON does not accept enum names\)/,
    );
  });

  it("stops a gzip bomb while inflating (1 GiB of zeros → 413) without holding it in memory", async () => {
    // Concatenated gzip members form one valid gzip stream: 1024 × gzip(1 MiB of zeros).
    const member = zlib.gzipSync(Buffer.alloc(MiB), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 1024 }, () => member));
    // The 64 MiB receiver: the compressed body is far below the limit, only inflating trips it.
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const reply = await expectNothingStored(() =>
      request(standard.port, { headers: { ...PROTOBUF, "content-encoding": "gzip" }, body: bomb }),
    );
    expectRpcStatus(reply, 413, "protobuf", RPC.RESOURCE_EXHAUSTED, /inflates to more than the limit of 67108864 bytes/);
    expect(performance.now() - started).toBeLessThan(5_000);
    // At most the 64 MiB limit (plus slack) was ever buffered, not the 1 GiB.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * MiB);
  });

  it("answers 413 to a body just over the limit with Content-Length", async () => {
    const reply = await expectNothingStored(() => request(small.port, { headers: PROTOBUF, body: Buffer.alloc(MiB + 1) }));
    expectRpcStatus(reply, 413, "protobuf", RPC.RESOURCE_EXHAUSTED, /larger than the limit of 1048576 bytes/);
  });

  it("answers 413 to a chunked body (no Content-Length) as soon as it passes the limit", async () => {
    const reply = await expectNothingStored(() =>
      request(small.port, {
        headers: { ...PROTOBUF, "transfer-encoding": "chunked" },
        write: (req) => {
          req.write(Buffer.alloc(MiB / 2));
          req.write(Buffer.alloc(MiB / 2 + 1));
          // never ended: the answer must not wait for the end of the body
        },
      }),
    );
    expectRpcStatus(reply, 413, "protobuf", RPC.RESOURCE_EXHAUSTED, /larger than the limit of 1048576 bytes/);
  });

  it("answers 413 at the default 64 MiB limit from Content-Length alone", async () => {
    const reply = await request(standard.port, {
      headers: { ...PROTOBUF, "content-length": 64 * MiB + 1 },
      write: (req) => req.flushHeaders(),
    });
    expectRpcStatus(reply, 413, "protobuf", RPC.RESOURCE_EXHAUSTED, new RegExp(`limit of ${64 * MiB} bytes`));
  });

  it("answers 415 to a wrong Content-Type", async () => {
    const reply = await expectNothingStored(() =>
      request(small.port, { headers: { "content-type": "text/plain" }, body: protobufBody([makeSpan()]) }),
    );
    // The request's encoding is unknown, so the answer is protobuf.
    expectRpcStatus(
      reply,
      415,
      "protobuf",
      RPC.INVALID_ARGUMENT,
      /^unsupported Content-Type "text\/plain"; use application\/x-protobuf or application\/json$/,
    );
  });

  it("answers 415 to an unsupported Content-Encoding", async () => {
    const reply = await expectNothingStored(() =>
      request(small.port, { headers: { ...PROTOBUF, "content-encoding": "br" }, body: protobufBody([makeSpan()]) }),
    );
    expectRpcStatus(reply, 415, "protobuf", RPC.INVALID_ARGUMENT, /^unsupported Content-Encoding "br"; use gzip or none$/);
    const json = await expectNothingStored(() =>
      request(small.port, { headers: { ...JSON_TYPE, "content-encoding": "deflate" }, body: jsonBody([makeSpan()]) }),
    );
    expectRpcStatus(json, 415, "json", RPC.INVALID_ARGUMENT, /^unsupported Content-Encoding "deflate"/);
  });

  it("answers 400 to a corrupt gzip body", async () => {
    const reply = await expectNothingStored(() =>
      request(small.port, { headers: { ...PROTOBUF, "content-encoding": "gzip" }, body: Buffer.from("not gzip") }),
    );
    expectRpcStatus(reply, 400, "protobuf", RPC.INVALID_ARGUMENT, /^invalid gzip body: /);
  });

  it("answers 405 with Allow: POST to another method", async () => {
    const reply = await request(small.port, { method: "GET", headers: PROTOBUF });
    expectRpcStatus(reply, 405, "protobuf", RPC.UNIMPLEMENTED, /^method GET not allowed; use POST$/);
    expect(reply.headers.allow).toBe("POST");
    const put = await expectNothingStored(() =>
      request(small.port, { method: "PUT", headers: JSON_TYPE, body: jsonBody([makeSpan()]) }),
    );
    expectRpcStatus(put, 405, "json", RPC.UNIMPLEMENTED, /^method PUT not allowed; use POST$/);
    expect(put.headers.allow).toBe("POST");
  });

  it("answers 404 to an unknown /v1/ path", async () => {
    const reply = await request(small.port, { path: "/v1/profiles", headers: PROTOBUF, body: Buffer.alloc(0) });
    expectRpcStatus(reply, 404, "protobuf", RPC.NOT_FOUND, /^unknown OTLP path \/v1\/profiles; traces go to \/v1\/traces$/);
    const json = await request(small.port, { path: "/v1/logs?x=1", headers: JSON_TYPE, body: Buffer.from("{}") });
    expectRpcStatus(json, 404, "json", RPC.NOT_FOUND, /^unknown OTLP path \/v1\/logs;/);
  });
});

describe("OTLP/HTTP receiver: ingest tokens", () => {
  it("answers 401 with WWW-Authenticate when the token is missing", async () => {
    const reply = await expectNothingStored(() => request(guarded.port, { headers: PROTOBUF, body: protobufBody([makeSpan()]) }));
    expectRpcStatus(reply, 401, "protobuf", RPC.UNAUTHENTICATED, /^missing ingest token/);
    expect(reply.headers["www-authenticate"]).toMatch(/^Bearer realm=/);
  });

  it("answers 401 to a wrong token", async () => {
    const reply = await expectNothingStored(() =>
      request(guarded.port, {
        headers: { ...PROTOBUF, authorization: `Bearer ${TOKEN}x` },
        body: protobufBody([makeSpan()]),
      }),
    );
    expectRpcStatus(reply, 401, "protobuf", RPC.UNAUTHENTICATED, /^invalid ingest token$/);
    expect(reply.headers["www-authenticate"]).toContain('error="invalid_token"');
  });

  it("accepts the right token, and never logs it", async () => {
    const span = makeSpan();
    const reply = await request(guarded.port, {
      headers: { ...PROTOBUF, authorization: `Bearer ${TOKEN}` },
      body: protobufBody([span]),
    });
    expect(reply.status).toBe(200);
    expect(await countSpans(span.traceId)).toBe(1);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join("\n")).not.toContain(TOKEN);
    expect(logLines.join("\n").toLowerCase()).not.toContain("bearer");
  });
});

describe("OTLP/HTTP receiver: database down", () => {
  let proxy: TcpProxy;
  let proxiedPool: pg.Pool;
  let proxiedWriter: SpanWriter;
  let receiver: { port: number; close(): Promise<void> };

  beforeAll(async () => {
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    proxiedPool = createPool(proxy.rewriteUrl(db.url), { max: 3 });
    proxiedWriter = new SpanWriter(proxiedPool, { batchMaxWaitMs: 5, checkoutTimeoutMs: 1_000 });
    proxiedWriter.start();
    receiver = await startReceiver(createOtlpHttpHandler({ writer: proxiedWriter, env: parseEnv({}), log: captureLog }));
  });

  afterAll(async () => {
    await receiver?.close();
    await proxiedWriter?.close();
    await proxy?.restore();
    await proxiedPool?.end();
    await proxy?.close();
  });

  it("answers 503 with Retry-After while PostgreSQL is unreachable, and recovers without a restart", async () => {
    // Warm up: connections through the proxy exist and work.
    const first = makeSpan();
    expect((await request(receiver.port, { headers: PROTOBUF, body: protobufBody([first]) })).status).toBe(200);

    await proxy.cut();
    const lost = makeSpan();
    const down = await request(receiver.port, { headers: PROTOBUF, body: protobufBody([lost]) });
    expect(down.status).toBe(503);
    const retryAfter = Number(down.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(5);
    expect(decodeRpcStatus(down.body).code).toBe(14); // UNAVAILABLE
    expect(await countSpans(lost.traceId)).toBe(0);

    await proxy.restore();
    // The client retries (as an exporter would after Retry-After); the same process recovers.
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await request(receiver.port, { headers: PROTOBUF, body: protobufBody([lost]) })).status;
      if (status === 200) break;
      expect(status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
    expect(await countSpans(lost.traceId)).toBe(1);
  });
});

describe("OTLP/HTTP receiver: back-pressure", () => {
  it("answers 429 with the writer's Retry-After when submit finds the queue full, storing nothing", async () => {
    // A "database" that accepts connections and never answers: the writer's only loop hangs
    // on its first request, the next one waits in the queue (1 of 40 spans: not yet full
    // enough to be refused unread), and a 40-span request is refused by submit() itself.
    const held = new Set<net.Socket>();
    const blackhole = net.createServer((socket) => {
      held.add(socket);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
    const stuckUrl = new URL(db.url);
    stuckUrl.port = String((blackhole.address() as AddressInfo).port);
    const stuckPool = createPool(stuckUrl.toString(), { max: 1 });
    stuckPool.on("error", () => {});
    const stuckWriter = new SpanWriter(stuckPool, {
      connections: 1,
      queueMaxSpans: 40,
      batchMaxWaitMs: 1,
      checkoutTimeoutMs: 1_000,
      drainTimeoutMs: 100,
    });
    stuckWriter.start();
    const receiver = await startReceiver(createOtlpHttpHandler({ writer: stuckWriter, env: parseEnv({}), log: captureLog }));
    try {
      const first = request(receiver.port, { headers: PROTOBUF, body: protobufBody([makeSpan()]) });
      await new Promise((resolve) => setTimeout(resolve, 100)); // taken by the writer loop
      const second = request(receiver.port, { headers: PROTOBUF, body: protobufBody([makeSpan()]) });
      await new Promise((resolve) => setTimeout(resolve, 100)); // waiting in the queue
      expect(stuckWriter.stats().queuedSpans).toBe(1);
      const traceId = randomTraceId();
      const refusedSpans = Array.from({ length: 40 }, () => makeSpan({ traceId }));
      const refused = await request(receiver.port, { headers: PROTOBUF, body: protobufBody(refusedSpans) });
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers["retry-after"]);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(5);
      expect(refused.headers["content-type"]).toBe("application/x-protobuf");
      expect(decodeRpcStatus(refused.body)).toEqual({ code: 8, message: "ingest queue is full; retry later" }); // RESOURCE_EXHAUSTED
      expect(stuckWriter.stats().requestsRefused).toBe(1); // refused by submit(), after decoding
      // The stuck ones end as 503 once the connection attempt times out: never a false 200.
      expect((await first).status).toBe(503);
      expect((await second).status).toBe(503);
      expect(await countSpans(traceId)).toBe(0);
    } finally {
      await receiver.close();
      await stuckWriter.close();
      for (const socket of held) socket.destroy();
      await stuckPool.end().catch(() => {});
      await new Promise((resolve) => blackhole.close(resolve));
    }
  });

  it("answers 429 + Retry-After to a large POST before reading its body while the writer's queue is full", async () => {
    // A writer that is never started: what is submitted stays queued. One span fills it.
    const fullWriter = new SpanWriter(db.pool, { queueMaxSpans: 1 });
    const queued = fullWriter.submit(decodeTraceRequest(protobufBody([makeSpan()]), "protobuf", { maxAttributeValueLength: 64 }));
    queued.catch(() => {}); // rejected (WRITER_CLOSED) by close() below
    const receiver = await startReceiver(createOtlpHttpHandler({ writer: fullWriter, env: parseEnv({}), log: captureLog }));
    try {
      let sent = 0;
      const started = performance.now();
      // Declares 48 MiB, sends 1 MiB and never the rest: the answer cannot wait for the body.
      const reply = await request(receiver.port, {
        headers: { ...PROTOBUF, "content-length": 48 * MiB },
        write: (req) => {
          req.write(pseudoRandomBytes(MiB));
          sent += MiB;
        },
      });
      expect(reply.status).toBe(429);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(sent).toBeLessThan(48 * MiB);
      expect(reply.headers["retry-after"]).toBe("2");
      expect(reply.headers["content-type"]).toBe("application/x-protobuf");
      expect(decodeRpcStatus(reply.body)).toEqual({ code: 8, message: "ingest queue is full; retry later" });
      expect(fullWriter.stats().requestsRefused).toBe(0); // never decoded nor submitted
      expect(logLines.at(-1)).toContain("refused before reading the body");

      // JSON is answered in JSON.
      const json = await request(receiver.port, { headers: JSON_TYPE, body: jsonBody([makeSpan()]) });
      expect(json.status).toBe(429);
      expect(json.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(json.body.toString())).toEqual({ code: 8, message: "ingest queue is full; retry later" });
    } finally {
      await receiver.close();
      await fullWriter.close();
    }
  });

  it("caps the bytes of bodies in flight across requests (BREAKWATER_MAX_INFLIGHT_BODY_SIZE): 429 + Retry-After beyond it", async () => {
    const env = parseEnv({ BREAKWATER_MAX_INFLIGHT_BODY_SIZE: "1MiB" });
    const budget = getSharedBodyBudget(MiB);
    const receiver = await startReceiver(createOtlpHttpHandler({ writer, env, log: captureLog }));
    const waitForBudget = async (bytes: number) => {
      const deadline = Date.now() + 5_000;
      while (budget.usedBytes() < bytes && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(budget.usedBytes()).toBeGreaterThanOrEqual(bytes);
    };
    try {
      // A: a valid 1.5 MiB request, sent in two parts; it holds 900 KiB of the budget meanwhile.
      const bigSpan = makeSpan({ attributes: [{ key: "blob", value: { stringValue: "b".repeat(1.5 * MiB) } }] });
      const bigBody = protobufBody([bigSpan]);
      let finishBig: () => void = () => {};
      const big = request(receiver.port, {
        headers: { ...PROTOBUF, "content-length": bigBody.length },
        write: (req) => {
          req.write(bigBody.subarray(0, 900 * 1024));
          finishBig = () => req.end(bigBody.subarray(900 * 1024));
        },
      });
      await waitForBudget(900 * 1024);

      // B: 300 KiB more would pass 1 MiB: refused while reading, nothing stored.
      const mediumSpan = makeSpan({ attributes: [{ key: "blob", value: { stringValue: "m".repeat(300 * 1024) } }] });
      const mediumBody = protobufBody([mediumSpan]);
      const refused = await request(receiver.port, { headers: PROTOBUF, body: mediumBody });
      expect(refused.status).toBe(429);
      expect(refused.headers["retry-after"]).toBe("1");
      expect(decodeRpcStatus(refused.body)).toEqual({
        code: 8,
        message: "too many request bytes are being received and decoded right now; retry later",
      });
      expect(budget.usedBytes()).toBe(900 * 1024); // B's bytes were given back

      // A alone may pass the budget (its last part takes it to 1.5 MiB) and is stored.
      finishBig();
      const answer = await big;
      expect(answer.status).toBe(200);
      expect(await countSpans(bigSpan.traceId)).toBe(1);
      expect(budget.usedBytes()).toBe(0);

      // B again, now that nothing else is in flight: stored.
      const retried = await request(receiver.port, { headers: PROTOBUF, body: mediumBody });
      expect(retried.status).toBe(200);
      expect(await countSpans(mediumSpan.traceId)).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it("refuses a request unread while the body budget is exhausted", async () => {
    const budget = createBodyBudget(MiB);
    const receiver = await startReceiver(
      createOtlpHttpHandler({ writer, env: parseEnv({}), log: captureLog, bodyBudget: budget }),
    );
    const holder = budget.lease();
    expect(holder.growTo(MiB)).toBe(true); // as another request buffering 1 MiB would
    try {
      const reply = await request(receiver.port, {
        headers: { ...JSON_TYPE, "content-length": 32 * MiB },
        write: (req) => req.write(Buffer.alloc(64 * 1024, 0x20)),
      });
      expect(reply.status).toBe(429);
      expect(reply.headers["retry-after"]).toBe("2");
      expect(reply.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(reply.body.toString())).toEqual({ code: 8, message: "too many request bytes in flight; retry later" });
      holder.release();
      const span = makeSpan();
      expect((await request(receiver.port, { headers: JSON_TYPE, body: jsonBody([span]) })).status).toBe(200);
      expect(await countSpans(span.traceId)).toBe(1);
    } finally {
      holder.release();
      await receiver.close();
    }
  });
});
