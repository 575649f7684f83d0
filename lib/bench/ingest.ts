/**
 * The ingest benchmark: `npm run bench:ingest [-- options]`.
 *
 * One run, against a scratch schema (created and dropped here) on DATABASE_URL or
 * postgresql://postgres@127.0.0.1:5432/test:
 *  1. raw COPY: realistic rows COPYed straight into empty partitions on as many connections
 *     as the writer uses — the ceiling the end-to-end figure is compared with. Measured once
 *     before and once right after the end-to-end runs (tables emptied before each, as for
 *     the end-to-end runs) and compared as the mean of the two: on a shared machine the load
 *     of other processes changes from minute to minute, and a single measurement on one side
 *     made the ratio swing either way (0.30–1.5 for the same code);
 *  2. end to end: the Breakwater server (role ingest) as a child process; K clients POST
 *     pre-encoded OTLP/HTTP protobuf requests (the same rows, re-keyed) as fast as they are
 *     acknowledged. Only spans acknowledged with 200 (i.e. committed) count;
 *  3. paced: a fixed rate (default 15 000 spans/s) for a while, for the ack latency under a
 *     steady load rather than saturation;
 *  4. bytes on disk per span for EVERY shape (own scratch schema each, rows written through
 *     decode + SpanWriter into an hour that is already over), after VACUUM ANALYZE: as
 *     written, then after compactClosedPartitions (what maintenance does to every closed
 *     hour, i.e. the steady state); and the same rows stored naively (one table, resource
 *     attributes and scope copied into every row) for comparison.
 *
 * Options: --shape reference|heavy (throughput phases; default reference) --clients 16 (or a
 *          sweep: 8,16,32) --seconds 15 --warmup 2 --paced-rate 15000 --paced-seconds 20
 *          --copy-seconds 10 --storage-spans 200000
 *          --cpu-prof (profile the server into .data/profiles/)
 *          --keep-schema (leave the scratch schemas for inspection)
 * Targets are printed next to the figures; the exit code is non-zero only on errors.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { AttributeKeyDictionary } from "@/lib/db/attribute-keys";
import { migrate } from "@/lib/db/migrate";
import { compactClosedPartitions } from "@/lib/db/compact-partitions";
import { ensureSpanPartitions, floorToUnit } from "@/lib/db/partitions";
import { createPool, parseDatabaseUrl, quoteIdent } from "@/lib/db/pool";
import { getEnv } from "@/lib/env";
import { SPAN_COPY_COLUMN_LIST, encodeSpanCopyRow, spanStartMicros } from "@/lib/ingest/copy-encode";
import { SpanWriter } from "@/lib/ingest/span-writer";
import { decodeTraceRequest } from "@/lib/otlp/decode";
import type { NormalizedSpan } from "@/lib/otlp/model";
import { ExportTraceServiceRequest, ExportTraceServiceResponse } from "@/lib/otlp/protobuf";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

// --- options -----------------------------------------------------------------------------------

function parseArgs(argv: string[]) {
  const options = {
    clients: [16],
    shape: "reference" as SpanShape,
    storageSpans: 200_000,
    seconds: 15,
    warmup: 2,
    pacedRate: 15_000,
    pacedSeconds: 20,
    copySeconds: 10,
    cpuProf: false,
    keepSchema: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${arg} needs a non-negative number`);
      return v;
    };
    if (arg === "--clients") {
      const list = (argv[++i] ?? "").split(",").map(Number);
      if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1))
        throw new Error("--clients needs a count or a list like 8,16,32");
      options.clients = list;
    } else if (arg === "--shape") {
      const shape = argv[++i];
      if (shape !== "reference" && shape !== "heavy") throw new Error("--shape is reference or heavy");
      options.shape = shape;
    } else if (arg === "--storage-spans") options.storageSpans = Math.max(SPANS_PER_REQUEST, Math.round(value()));
    else if (arg === "--seconds") options.seconds = value();
    else if (arg === "--warmup") options.warmup = value();
    else if (arg === "--paced-rate") options.pacedRate = value();
    else if (arg === "--paced-seconds") options.pacedSeconds = value();
    else if (arg === "--copy-seconds") options.copySeconds = value();
    else if (arg === "--cpu-prof") options.cpuProf = true;
    else if (arg === "--keep-schema") options.keepSchema = true;
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

// --- workload ----------------------------------------------------------------------------------

const SPANS_PER_REQUEST = 500;
const SERVICES = 10;
const RESOURCES_PER_REQUEST = 2;
const SPANS_PER_TRACE = 5;
const TEMPLATES = 16;

type Template = {
  body: Buffer;
  /** Byte offsets of every trace id in the body: the first 4 bytes get a per-send counter. */
  traceIdOffsets: number[];
  /** Byte offsets and values of every span's start and end time (fixed64, little-endian). */
  timeOffsets: number[];
  times: bigint[];
};

const ROUTES = ["/api/cart", "/api/checkout", "/api/products/{id}", "/api/users/{id}/orders", "/health", "/api/search"];

/**
 * Span shapes. "reference" is a typical mixed microservice workload, described in words and
 * not tuned to any figure: a 7-attribute resource (service name/version/instance, host, SDK),
 * HTTP server spans with 4 attributes, HTTP client spans with 4, database spans with 2, in
 * about a 40/40/20 mix, and an exception event on the occasional error. "heavy" is what the
 * bench used first: a 14-attribute resource, 8 HTTP attributes on most spans, extra events.
 */
type SpanShape = "reference" | "heavy";
const SHAPES: readonly SpanShape[] = ["reference", "heavy"];

const SHAPE_DESCRIPTIONS: Record<SpanShape, string> = {
  reference: "7 resource attrs; HTTP server/client spans 4 attrs, DB spans 2 (40/40/20); exception event on errors",
  heavy: "14 resource attrs; 8 HTTP attrs on 3 of 5 spans, 3 on the rest; exception and cache events",
};

type OtlpAttribute = { key: string; value: { stringValue: string } | { intValue: number } };
type OtlpSpan = Record<string, unknown> & { traceId: Buffer };

const str = (key: string, value: string): OtlpAttribute => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): OtlpAttribute => ({ key, value: { intValue: value } });

function heavyResourceAttributes(service: number): OtlpAttribute[] {
  return [
    str("service.name", `shop-service-${service}`),
    str("service.version", `2.${service}.7`),
    str("service.namespace", "shop"),
    str("service.instance.id", `a3f9c2e1-77b4-4c1e-9d2a-${(service + 1).toString(16).padStart(12, "0")}`),
    str("deployment.environment.name", "production"),
    str("host.name", `ip-10-0-${service}-17.eu-west-1.compute.internal`),
    str("host.arch", "amd64"),
    str("os.type", "linux"),
    int("process.pid", 4100 + service),
    str("process.runtime.name", "nodejs"),
    str("process.runtime.version", "24.11.0"),
    str("telemetry.sdk.name", "opentelemetry"),
    str("telemetry.sdk.language", "nodejs"),
    str("telemetry.sdk.version", "3.1.1"),
  ];
}

function referenceResourceAttributes(service: number): OtlpAttribute[] {
  return [
    str("service.name", `shop-service-${service}`),
    str("service.version", `2.${service}.7`),
    str("service.instance.id", `a3f9c2e1-77b4-4c1e-9d2a-${(service + 1).toString(16).padStart(12, "0")}`),
    str("host.name", `shop-service-${service}-7d9f8b6c5-x2k4p`),
    str("telemetry.sdk.name", "opentelemetry"),
    str("telemetry.sdk.language", "nodejs"),
    str("telemetry.sdk.version", "3.1.1"),
  ];
}

type SpanDraft = { scope: number; span: OtlpSpan; start: bigint; end: bigint };

/** The heavy shape's spans of one resource (positions in a trace of 5: SERVER, CLIENT, INTERNAL, …). */
function heavySpan(n: number, service: number, position: number, traceId: Buffer, rootId: Buffer, start: bigint): SpanDraft {
  const spanId = position === 0 ? rootId : randomBytes(8);
  const durationNs = BigInt(200_000 + ((n * 7919) % 90_000_000));
  const route = ROUTES[(n + service) % ROUTES.length];
  const isError = n % 23 === 0;
  const kind = position === 0 ? 2 : position % 2 === 1 ? 3 : 1;
  const attributes =
    kind === 1
      ? [
          str("code.function", `handle${route.split("/")[2] ?? "root"}`),
          str("code.namespace", "shop.handlers"),
          int("app.items", n % 40),
        ]
      : [
          str("http.request.method", n % 5 === 0 ? "POST" : "GET"),
          str("http.route", route),
          str("url.path", route.replace("{id}", String(1000 + (n % 997)))),
          str("url.scheme", "http"),
          int("http.response.status_code", isError ? 503 : 200),
          str("server.address", `shop-service-${(service + position) % SERVICES}`),
          int("server.port", 8080),
          str("network.protocol.version", "1.1"),
        ];
  const events = isError
    ? [
        {
          timeUnixNano: (start + durationNs / 2n).toString(),
          name: "exception",
          attributes: [
            str("exception.type", "UpstreamError"),
            str("exception.message", `upstream shop-service-${service} answered 503`),
          ],
        },
      ]
    : n % 10 === 0
      ? [{ timeUnixNano: (start + 50_000n).toString(), name: "cache.miss", attributes: [] }]
      : [];
  return {
    scope: 0,
    start,
    end: start + durationNs,
    span: {
      traceId,
      spanId,
      parentSpanId: position === 0 ? undefined : rootId,
      name: kind === 1 ? `handle ${route}` : `${n % 5 === 0 ? "POST" : "GET"} ${route}`,
      kind,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + durationNs).toString(),
      attributes,
      events,
      status: isError ? { code: 2, message: "upstream answered 503" } : { code: 0 },
      flags: 0x101,
    },
  };
}

const DB_OPERATIONS = ["SELECT", "SELECT", "SELECT", "INSERT", "UPDATE"];

/**
 * The reference shape: a trace of 5 is SERVER (root) → CLIENT → SERVER (the callee) →
 * CLIENT → DB call, i.e. 40 % server, 40 % client, 20 % database spans. Database spans are
 * kind CLIENT, as the semantic conventions make them, under their own instrumentation scope.
 */
function referenceSpan(n: number, service: number, position: number, traceId: Buffer, ids: Buffer[], start: bigint): SpanDraft {
  const spanId = randomBytes(8);
  ids[position] = spanId;
  const parentSpanId = position === 0 ? undefined : ids[position - 1];
  const durationNs = BigInt(200_000 + ((n * 7919) % 90_000_000));
  const route = ROUTES[(n + service) % ROUTES.length];
  const method = n % 5 === 0 ? "POST" : "GET";
  // About 1 span in 25 fails; the failure shows as a 5xx and an exception event.
  const isError = n % 25 === 0;
  const status = isError ? 500 : n % 17 === 0 ? 404 : 200;
  let name: string;
  let kind: number;
  let scope = 0;
  let attributes: OtlpAttribute[];
  if (position === 0 || position === 2) {
    kind = 2;
    name = `${method} ${route}`;
    attributes = [
      str("http.request.method", method),
      str("http.route", route),
      int("http.response.status_code", status),
      str("url.path", route.replaceAll("{id}", String(1000 + (n % 997)))),
    ];
  } else if (position === 1 || position === 3) {
    kind = 3;
    name = method;
    attributes = [
      str("http.request.method", method),
      str("server.address", `shop-service-${(service + position) % SERVICES}`),
      int("server.port", 8080),
      int("http.response.status_code", status),
    ];
  } else {
    kind = 3;
    scope = 1;
    const operation = DB_OPERATIONS[n % DB_OPERATIONS.length];
    name = `${operation} shop`;
    attributes = [str("db.system", "postgresql"), str("db.operation.name", operation)];
  }
  const events = isError
    ? [
        {
          timeUnixNano: (start + durationNs / 2n).toString(),
          name: "exception",
          attributes: [str("exception.type", "Error"), str("exception.message", `request to shop-service-${service} failed`)],
        },
      ]
    : [];
  return {
    scope,
    start,
    end: start + durationNs,
    span: {
      traceId,
      spanId,
      parentSpanId,
      name,
      kind,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + durationNs).toString(),
      attributes,
      events,
      status: isError ? { code: 2 } : { code: 0 },
      flags: 0x101,
    },
  };
}

const SCOPES: Record<SpanShape, { name: string; version: string }[]> = {
  heavy: [{ name: "@opentelemetry/instrumentation-http", version: "0.301.0" }],
  reference: [
    { name: "@opentelemetry/instrumentation-http", version: "0.301.0" },
    { name: "@opentelemetry/instrumentation-pg", version: "0.301.0" },
  ],
};

/** One export request of `shape`: 2 services × 250 spans, traces of 5. */
function buildTemplate(shape: SpanShape, index: number, startNs: bigint): Template {
  const traceIds: Buffer[] = [];
  const times: bigint[] = [];
  const resourceSpans = [];
  let n = 0;
  for (let r = 0; r < RESOURCES_PER_REQUEST; r++) {
    const service = (index * RESOURCES_PER_REQUEST + r) % SERVICES;
    const byScope: OtlpSpan[][] = SCOPES[shape].map(() => []);
    let traceId = randomBytes(16);
    let rootId = randomBytes(8);
    const ids: Buffer[] = [];
    for (let i = 0; i < SPANS_PER_REQUEST / RESOURCES_PER_REQUEST; i++, n++) {
      const position = i % SPANS_PER_TRACE;
      if (position === 0) {
        traceId = randomBytes(16);
        rootId = randomBytes(8);
        traceIds.push(traceId);
      }
      const start = startNs + BigInt(n) * 1_700_000n + BigInt(position) * 100_000n;
      const draft =
        shape === "heavy"
          ? heavySpan(n, service, position, traceId, rootId, start)
          : referenceSpan(n, service, position, traceId, ids, start);
      times.push(draft.start, draft.end);
      byScope[draft.scope].push(draft.span);
    }
    resourceSpans.push({
      resource: { attributes: shape === "heavy" ? heavyResourceAttributes(service) : referenceResourceAttributes(service) },
      scopeSpans: SCOPES[shape].map((scope, i) => ({ scope, spans: byScope[i] })).filter((s) => s.spans.length > 0),
    });
  }
  const encoded = ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject({ resourceSpans })).finish();
  const body = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const traceIdOffsets: number[] = [];
  for (const id of traceIds) {
    for (let at = body.indexOf(id); at !== -1; at = body.indexOf(id, at + 16)) traceIdOffsets.push(at);
  }
  if (traceIdOffsets.length !== SPANS_PER_REQUEST) {
    throw new Error(`template ${index}: found ${traceIdOffsets.length} trace ids, expected ${SPANS_PER_REQUEST}`);
  }
  // Span.start_time_unix_nano is field 7 and end_time_unix_nano field 8, both fixed64:
  // tag byte (field << 3 | 1) followed by the value, little-endian.
  const timeOffsets = times.map((value, i) => {
    const pattern = Buffer.alloc(9);
    pattern[0] = ((i % 2 === 0 ? 7 : 8) << 3) | 1;
    pattern.writeBigUInt64LE(value, 1);
    const at = body.indexOf(pattern);
    if (at === -1) throw new Error(`template ${index}: span time ${value} not found`);
    return at + 1;
  });
  return { body, traceIdOffsets, timeOffsets, times };
}

/**
 * A fresh copy of a template whose trace ids carry `counter` (unique per send) and whose
 * span times are moved by `shiftNs`, so rows look like a live stream (no repeated start
 * times, which would let the service/time index deduplicate unrealistically).
 */
function stampedBody(template: Template, counter: number, shiftNs: bigint): Buffer {
  const body = Buffer.from(template.body);
  for (const offset of template.traceIdOffsets) body.writeUInt32BE(counter, offset);
  const { timeOffsets, times } = template;
  for (let i = 0; i < timeOffsets.length; i++) body.writeBigUInt64LE(times[i] + shiftNs, timeOffsets[i]);
  return body;
}

const benchStartedAt = performance.now();

/** Nanoseconds since the bench started: the time shift for the next request. */
function elapsedNs(): bigint {
  return BigInt(Math.round((performance.now() - benchStartedAt) * 1e6));
}

// --- the server ----------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

type ServerProcess = { child: ChildProcess; port: number; stop(): Promise<void> };

async function startServerProcess(databaseUrl: string, cpuProf: boolean): Promise<ServerProcess> {
  const port = await freePort();
  const grpcPort = await freePort();
  const nodeArgs = ["--import", "tsx"];
  if (cpuProf) nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${path.join(repoRoot, ".data", "profiles")}`);
  const child = spawn(process.execPath, [...nodeArgs, path.join(repoRoot, "lib/server/main.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      BREAKWATER_ROLE: "ingest",
      BREAKWATER_HOST: "127.0.0.1",
      BREAKWATER_OTLP_HTTP_PORT: String(port),
      BREAKWATER_OTLP_GRPC_PORT: String(grpcPort),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    process.stderr.write(`[server] ${chunk.toString()}`);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!output.includes("Breakwater is running")) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start within 60 s:\n${output}`);
    }
    await sleep(50);
  }
  return {
    child,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const code = await Promise.race([exited, sleep(20_000).then(() => "timeout" as const)]);
      if (code === "timeout") {
        child.kill("SIGKILL");
        throw new Error("server did not stop within 20 s");
      }
    },
  };
}

/** CPU time (user + system) a process has used so far, in ms; Linux only (clock ticks of 10 ms). */
function cpuTimeMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesized command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Peak resident set size (VmHWM) of a process, in bytes; Linux only. */
function peakRssBytes(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

// --- the clients ---------------------------------------------------------------------------------

type PostResult = { status: number; acknowledgedSpans: number; latencyMs: number };

function post(agent: http.Agent, port: number, body: Buffer): Promise<PostResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/v1/traces",
        headers: { "content-type": "application/x-protobuf", "content-length": body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const latencyMs = performance.now() - started;
          const status = res.statusCode ?? 0;
          let acknowledgedSpans = 0;
          if (status === 200) {
            const response = ExportTraceServiceResponse.decode(Buffer.concat(chunks));
            acknowledgedSpans = SPANS_PER_REQUEST - Number(response.partialSuccess?.rejectedSpans ?? 0);
          }
          resolve({ status, acknowledgedSpans, latencyMs });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

type LoadResult = {
  seconds: number;
  acknowledgedSpans: number;
  requests: number;
  statuses: Map<number, number>;
  latenciesMs: number[];
};

function newLoadResult(): LoadResult {
  return { seconds: 0, acknowledgedSpans: 0, requests: 0, statuses: new Map(), latenciesMs: [] };
}

function record(result: LoadResult, outcome: PostResult): void {
  result.requests++;
  result.acknowledgedSpans += outcome.acknowledgedSpans;
  result.statuses.set(outcome.status, (result.statuses.get(outcome.status) ?? 0) + 1);
  if (outcome.status === 200) result.latenciesMs.push(outcome.latencyMs);
}

let sendCounter = 1;

/** K clients in closed loop: each posts its next request as soon as the last is answered. */
async function runSaturated(
  port: number,
  templates: Template[],
  clients: number,
  warmupSeconds: number,
  seconds: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const result = newLoadResult();
  const startedAt = performance.now();
  const measureFrom = startedAt + warmupSeconds * 1000;
  const stopAt = measureFrom + seconds * 1000;
  const client = async () => {
    while (performance.now() < stopAt) {
      const counter = sendCounter++;
      const body = stampedBody(templates[counter % templates.length], counter, elapsedNs());
      const sentAt = performance.now();
      const outcome = await post(agent, port, body);
      const now = performance.now();
      // Count requests sent and answered inside the window.
      if (sentAt >= measureFrom && now <= stopAt) record(result, outcome);
      if (outcome.status === 429 || outcome.status === 503) await sleep(100);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  result.seconds = seconds;
  agent.destroy();
  return result;
}

/** Open loop at a fixed rate: requests leave on schedule whether or not earlier ones returned. */
async function runPaced(
  port: number,
  templates: Template[],
  spansPerSecond: number,
  seconds: number,
): Promise<LoadResult & { late: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const result = { ...newLoadResult(), late: 0 };
  const intervalMs = (SPANS_PER_REQUEST / spansPerSecond) * 1000;
  const total = Math.max(1, Math.round((spansPerSecond * seconds) / SPANS_PER_REQUEST));
  const startedAt = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    const due = startedAt + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    else if (wait < -intervalMs) result.late++;
    const counter = sendCounter++;
    const body = stampedBody(templates[counter % templates.length], counter, elapsedNs());
    const request: Promise<void> = post(agent, port, body).then((outcome) => {
      record(result, outcome);
      inFlight.delete(request);
    });
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  result.seconds = (performance.now() - startedAt) / 1000;
  agent.destroy();
  return result;
}

// --- raw COPY ----------------------------------------------------------------------------------

type CopyTemplate = {
  text: Buffer;
  rows: number;
  traceIdOffsets: number[];
  /** Byte offset of each row (its start_time comes first) and its microseconds-of-second. */
  rowOffsets: number[];
  micros: number[];
};

/** COPY text of `batchSpans` decoded spans, with the byte offset of each row's trace id. */
/**
 * The raw-COPY baseline's rows: exactly the text the writer sends (attribute keys
 * dictionary-encoded against the scratch database), so both sides store the same bytes.
 */
async function buildCopyTemplate(pool: pg.Pool, templates: Template[], batchSpans: number, nowMs: number): Promise<CopyTemplate> {
  const spans: NormalizedSpan[] = [];
  for (let t = 0; spans.length < batchSpans; t++) {
    const batch = decodeTraceRequest(templates[t % templates.length].body, "protobuf", {
      maxAttributeValueLength: 16_384,
      nowMs,
    });
    spans.push(...batch.spans.slice(0, batchSpans - spans.length));
  }
  const dictionary = new AttributeKeyDictionary();
  const missing = new Set<string>();
  for (const span of spans) encodeSpanCopyRow(span, undefined, { dictionary, missing });
  await dictionary.resolve(pool, missing);
  const keys = { dictionary, missing: new Set<string>() };

  const lines: string[] = [];
  const traceIdOffsets: number[] = [];
  const rowOffsets: number[] = [];
  const micros: number[] = [];
  let bytes = 0;
  for (const span of spans) {
    const line = encodeSpanCopyRow(span, undefined, keys);
    // Everything before the trace id column is ASCII, so the char index is the byte index.
    traceIdOffsets.push(bytes + line.indexOf(span.traceId));
    rowOffsets.push(bytes);
    micros.push(spanStartMicros(span.startTimeUnixNano) % 1_000_000);
    bytes += Buffer.byteLength(line);
    lines.push(line);
  }
  if (keys.missing.size > 0) throw new Error("raw COPY template: attribute keys left unresolved");
  return { text: Buffer.from(lines.join("")), rows: lines.length, traceIdOffsets, rowOffsets, micros };
}

function stampedCopyText(template: CopyTemplate, counter: number): Buffer {
  const text = Buffer.from(template.text);
  const hex = (counter >>> 0).toString(16).padStart(8, "0");
  for (const offset of template.traceIdOffsets) text.write(hex, offset, "latin1");
  // Move each start time within its second ("YYYY-MM-DD HH:MM:SS.ffffff": digits at 20–25),
  // as the end-to-end requests do, so start times do not repeat batch after batch.
  const { rowOffsets, micros } = template;
  for (let i = 0; i < rowOffsets.length; i++) {
    const fraction = (micros[i] + counter * 997) % 1_000_000;
    text.write(String(1_000_000 + fraction).slice(1), rowOffsets[i] + 20, "latin1");
  }
  return text;
}

async function copyBatch(client: pg.PoolClient, text: Buffer): Promise<void> {
  await client.query("BEGIN");
  const stream = client.query(copyFrom(`COPY spans (${SPAN_COPY_COLUMN_LIST}) FROM STDIN`));
  await new Promise<void>((resolve, reject) => {
    stream.on("error", reject);
    stream.on("finish", resolve);
    stream.end(text);
  });
  await client.query("COMMIT");
}

async function runRawCopy(pool: pg.Pool, template: CopyTemplate, connections: number, seconds: number) {
  // Partitions for every hour the rows fall in are created before timing.
  const hours = new Set<number>();
  for (const line of template.text.toString().split("\n")) {
    if (line === "") continue;
    const ms = Date.parse(`${line.slice(0, 10)}T${line.slice(11, 26)}Z`);
    hours.add(Math.floor(ms / 3_600_000) * 3_600_000);
  }
  await ensureSpanPartitions(pool, hours);
  let rows = 0;
  const startedAt = performance.now();
  const stopAt = startedAt + seconds * 1000;
  let counter = 0x7f000000; // far from the end-to-end counters
  const worker = async () => {
    const client = await pool.connect();
    try {
      while (performance.now() < stopAt) {
        await copyBatch(client, stampedCopyText(template, counter++));
        rows += template.rows;
      }
    } finally {
      client.release();
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - startedAt) / 1000;
  return { rows, seconds: elapsed, rowsPerSecond: rows / elapsed };
}

async function countRows(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM spans");
  return Number(rows[0].n);
}

/** Starts each timed phase with no checkpoint debt from the previous one (needs superuser or pg_checkpoint). */
async function checkpoint(pool: pg.Pool): Promise<void> {
  await pool.query("CHECKPOINT").catch(() => undefined);
}

// --- storage -----------------------------------------------------------------------------------

async function measureStorage(pool: pg.Pool) {
  await pool.query("VACUUM ANALYZE spans, resources, scopes, services, operations");
  const { rows } = await pool.query<{ spans: string; span_bytes: string; catalogue_bytes: string }>(`
    SELECT (SELECT count(*) FROM spans) AS spans,
           (SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_partition_tree('spans') WHERE isleaf) AS span_bytes,
           pg_total_relation_size('resources') + pg_total_relation_size('scopes')
             + pg_total_relation_size('services') + pg_total_relation_size('operations') AS catalogue_bytes`);
  const spans = Number(rows[0].spans);
  const bytes = Number(rows[0].span_bytes) + Number(rows[0].catalogue_bytes);
  return { spans, bytes, bytesPerSpan: spans > 0 ? bytes / spans : Number.NaN };
}

/** The same rows stored naively: one table, resource attributes and scope copied into every row. */
async function measureNaiveStorage(pool: pg.Pool, maxRows: number) {
  await pool.query("DROP TABLE IF EXISTS spans_naive");
  await pool.query(`
    CREATE TABLE spans_naive (
      LIKE spans,
      resource_attributes jsonb NOT NULL,
      scope_name text,
      scope_version text,
      PRIMARY KEY (trace_id, span_id, start_time)
    )`);
  await pool.query("CREATE INDEX ON spans_naive (service_name, start_time DESC)");
  await pool.query(
    `INSERT INTO spans_naive
     SELECT s.*, r.attributes, sc.name, sc.version
       FROM (SELECT * FROM spans LIMIT $1) s
       JOIN resources r ON r.id = s.resource_id
       LEFT JOIN scopes sc ON sc.id = s.scope_id`,
    [maxRows],
  );
  await pool.query("VACUUM ANALYZE spans_naive");
  const { rows } = await pool.query<{ n: string; bytes: string }>(
    "SELECT (SELECT count(*) FROM spans_naive) AS n, pg_total_relation_size('spans_naive') AS bytes",
  );
  const spans = Number(rows[0].n);
  const bytes = Number(rows[0].bytes);
  await pool.query("DROP TABLE spans_naive");
  return { spans, bytes, bytesPerSpan: spans > 0 ? bytes / spans : Number.NaN };
}

/**
 * Bytes per span for one shape, ours vs naive, measured on rows written in this run through
 * the server's own path minus HTTP (decodeTraceRequest → SpanWriter → COPY), in a scratch
 * schema of its own so both shapes are measured alike whatever the throughput phases used.
 */
async function measureShapeStorage(baseUrl: string, schema: string, shape: SpanShape, spans: number, connections: number) {
  const url = new URL(baseUrl);
  url.searchParams.set("schema", schema);
  const pool = createPool(url.toString(), { max: Math.max(2, connections), applicationName: "breakwater-bench-storage" });
  try {
    await migrate(pool);
    // Rows of an hour that is already over (2 h ago, well within retention), so that its
    // partition is closed and compaction applies to it exactly as maintenance would.
    const startNs = BigInt(floorToUnit(Date.now(), "hour") - 2 * 3_600_000 + 60_000) * 1_000_000n;
    const storageStartedAt = performance.now();
    const templates = Array.from({ length: TEMPLATES }, (_, i) => buildTemplate(shape, i, startNs));
    const writer = new SpanWriter(pool, { connections, batchMaxWaitMs: 5 });
    writer.start();
    const requests = Math.ceil(spans / SPANS_PER_REQUEST);
    const inFlight = 16;
    for (let sent = 0; sent < requests; sent += inFlight) {
      const wave = [];
      for (let i = sent; i < Math.min(requests, sent + inFlight); i++) {
        const counter = sendCounter++;
        // Shifted by the time since this phase began (not since the bench began), so that
        // every row stays within that one past hour however long the earlier phases took.
        const shiftNs = BigInt(Math.round((performance.now() - storageStartedAt) * 1e6));
        const body = stampedBody(templates[counter % templates.length], counter, shiftNs);
        wave.push(writer.submit(decodeTraceRequest(body, "protobuf", { maxAttributeValueLength: 16_384 })));
      }
      await Promise.all(wave);
    }
    await writer.close();
    const ours = await measureStorage(pool);
    const { compacted } = await compactClosedPartitions(pool, { max: Number.POSITIVE_INFINITY });
    if (compacted.length === 0) throw new Error(`storage (${shape}): no closed partition was compacted`);
    const oursCompacted = await measureStorage(pool);
    if (oursCompacted.spans !== ours.spans) throw new Error(`storage (${shape}): span count changed by compaction`);
    const naive = await measureNaiveStorage(pool, spans);
    return { shape, ours, oursCompacted, naive };
  } finally {
    await pool.end();
  }
}

// --- report ------------------------------------------------------------------------------------

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "n/a";

function statusSummary(statuses: Map<number, number>): string {
  return [...statuses.entries()].map(([status, count]) => `${status}×${count}`).join(" ");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// --- main --------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const env = getEnv();
  const baseUrl = parseDatabaseUrl(env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test").connectionString;
  const connections = env.BREAKWATER_WRITER_CONNECTIONS;
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  const storageSchemas = SHAPES.map((shape) => `${schema}_${shape}`);
  const scratchUrl = new URL(baseUrl);
  scratchUrl.searchParams.set("schema", schema);
  const shape = options.shape;

  const admin = createPool(baseUrl, { max: 1, applicationName: "breakwater-bench-admin" });
  for (const name of [schema, ...storageSchemas]) await admin.query(`CREATE SCHEMA ${quoteIdent(name)}`);
  const pool = createPool(scratchUrl.toString(), { max: Math.max(2, connections), applicationName: "breakwater-bench" });
  let server: ServerProcess | undefined;
  const interrupt = () => {
    void server?.stop();
  };
  process.once("SIGINT", interrupt);
  try {
    await migrate(pool);
    const pgVersion = (await pool.query<{ server_version: string }>("SHOW server_version")).rows[0].server_version;
    const nowMs = Date.now();
    const startNs = BigInt(nowMs - 60_000) * 1_000_000n;
    const templates = Array.from({ length: TEMPLATES }, (_, i) => buildTemplate(shape, i, startNs));
    const avgBody = templates.reduce((sum, t) => sum + t.body.length, 0) / templates.length;
    const clientCounts = options.clients;

    console.log(
      `bench:ingest — node ${process.version}, PostgreSQL ${pgVersion}, schema ${schema}, ` +
        `writer connections ${connections}, batch ≤ ${env.BREAKWATER_BATCH_MAX_SPANS} spans / ${env.BREAKWATER_BATCH_MAX_WAIT_MS} ms`,
    );
    console.log(`throughput shape: ${shape} — ${SHAPE_DESCRIPTIONS[shape]}`);
    console.log(
      `clients: ${clientCounts.join(", ")} (closed loop), ${SPANS_PER_REQUEST} spans/request (${fmt(avgBody / 1024, 1)} KiB protobuf)`,
    );

    // 1. Raw COPY into fresh partitions: the ceiling, measured before anything else ran (and
    // again after the end-to-end runs).
    console.log(`… raw COPY (${shape}) on ${connections} connections for ${options.copySeconds} s`);
    const copyTemplate = await buildCopyTemplate(pool, templates, env.BREAKWATER_BATCH_MAX_SPANS, nowMs);
    const measureRawCopy = async () => {
      await checkpoint(pool);
      const measured = await runRawCopy(pool, copyTemplate, connections, options.copySeconds);
      await pool.query("TRUNCATE spans, services, operations");
      await checkpoint(pool);
      return measured;
    };
    const rawCopyBefore = await measureRawCopy();

    // 2–3. End to end (once per client count), then paced, against one server process.
    server = await startServerProcess(scratchUrl.toString(), options.cpuProf);
    const saturatedRuns: { clients: number; result: LoadResult; serverCpuUsPerSpan: number }[] = [];
    for (const clients of clientCounts) {
      console.log(`… end to end (${shape}), ${clients} clients saturated: ${options.warmup} s warm-up + ${options.seconds} s`);
      const cpuBefore = cpuTimeMs(server.child.pid);
      const spansBefore = await countRows(pool);
      const result = await runSaturated(server.port, templates, clients, options.warmup, options.seconds);
      const cpuAfter = cpuTimeMs(server.child.pid);
      const written = (await countRows(pool)) - spansBefore;
      // Over the whole phase (warm-up included): every span the server wrote in it.
      const serverCpuUsPerSpan =
        cpuBefore === undefined || cpuAfter === undefined || written <= 0
          ? Number.NaN
          : ((cpuAfter - cpuBefore) * 1000) / written;
      saturatedRuns.push({ clients, result, serverCpuUsPerSpan });
    }
    // The server is idle meanwhile (its CPU was measured above).
    console.log(`… raw COPY (${shape}) again, right after the end-to-end runs, for ${options.copySeconds} s`);
    const rawCopyAfter = await measureRawCopy();
    const rawCopyRate = (rawCopyBefore.rowsPerSecond + rawCopyAfter.rowsPerSecond) / 2;
    console.log(`… paced (${shape}) at ${fmt(options.pacedRate)} spans/s for ${options.pacedSeconds} s`);
    const paced = await runPaced(server.port, templates, options.pacedRate, options.pacedSeconds);
    const peakRss = server.child.pid === undefined ? undefined : peakRssBytes(server.child.pid);
    await server.stop();
    server = undefined;

    // 4. Storage for every shape, ours and naive on the same rows.
    const storage = [];
    for (let i = 0; i < SHAPES.length; i++) {
      console.log(
        `… storage (${SHAPES[i]}): ${fmt(options.storageSpans)} spans through the writer into a past hour, VACUUM ANALYZE, compaction`,
      );
      storage.push(await measureShapeStorage(baseUrl, storageSchemas[i], SHAPES[i], options.storageSpans, connections));
    }

    const pacedAchieved = paced.acknowledgedSpans / paced.seconds;
    const rows: [string, string, string][] = [];
    for (const { clients, result, serverCpuUsPerSpan } of saturatedRuns) {
      const e2eRate = result.acknowledgedSpans / result.seconds;
      rows.push(
        [`end-to-end OTLP/HTTP protobuf [${shape}], ${clients} clients`, `${fmt(e2eRate)} spans/s`, "≥ 25,000"],
        ["  requests (status × count)", statusSummary(result.statuses), ""],
        [
          "  request latency p50 / p99",
          `${fmt(percentile(result.latenciesMs, 50), 1)} / ${fmt(percentile(result.latenciesMs, 99), 1)} ms`,
          "",
        ],
        [`  end-to-end ÷ raw COPY (mean of before and after)`, fmt(e2eRate / rawCopyRate, 2), "≥ 0.60"],
        ["  server CPU per span (user + sys)", `${fmt(serverCpuUsPerSpan, 1)} µs`, ""],
      );
    }
    rows.push(
      [
        `raw COPY [${shape}], ${connections} connections (mean)`,
        `${fmt(rawCopyRate)} spans/s (before ${fmt(rawCopyBefore.rowsPerSecond)}, after ${fmt(rawCopyAfter.rowsPerSecond)})`,
        "",
      ],
      [
        `paced ${fmt(options.pacedRate)} spans/s [${shape}]: achieved`,
        `${fmt(pacedAchieved)} spans/s (${statusSummary(paced.statuses)})`,
        "",
      ],
      [
        "  ack latency p50 / p99",
        `${fmt(percentile(paced.latenciesMs, 50), 1)} / ${fmt(percentile(paced.latenciesMs, 99), 1)} ms`,
        "p99 < 250 ms",
      ],
      ["server peak RSS", peakRss === undefined ? "n/a" : `${fmt(peakRss / 1024 / 1024)} MiB`, ""],
    );
    for (const { shape: storedShape, ours, oursCompacted, naive } of storage) {
      rows.push(
        [
          `bytes on disk per span [${storedShape}], as written`,
          `${fmt(ours.bytesPerSpan, 1)} (${fmt(ours.spans)} spans, ${fmt(ours.bytes / 1024 / 1024, 1)} MiB)`,
          "≤ 350",
        ],
        [
          "  after compaction (steady state: closed hours)",
          `${fmt(oursCompacted.bytesPerSpan, 1)} (${fmt(oursCompacted.bytes / 1024 / 1024, 1)} MiB)`,
          "≤ 350",
        ],
        [`  naive row (resource copied) [${storedShape}]`, `${fmt(naive.bytesPerSpan, 1)} (${fmt(naive.spans)} spans)`, ""],
        ["  as written ÷ naive", fmt(ours.bytesPerSpan / naive.bytesPerSpan, 2), ""],
      );
    }
    const width = Math.max(...rows.map((r) => r[0].length));
    const valueWidth = Math.max(...rows.map((r) => r[1].length));
    console.log("");
    console.log(`${"measure".padEnd(width)}  ${"result".padEnd(valueWidth)}  target`);
    console.log(`${"-".repeat(width)}  ${"-".repeat(valueWidth)}  ------`);
    for (const [label, value, target] of rows) console.log(`${label.padEnd(width)}  ${value.padEnd(valueWidth)}  ${target}`);
    console.log("");
    for (const s of SHAPES) console.log(`shape ${s}: ${SHAPE_DESCRIPTIONS[s]}`);
    if (paced.late > 0) console.log(`(paced sender fell behind schedule ${paced.late} times)`);
    console.log(
      `Closed-loop throughput depends on the client count (fewer clients leave the writer idle between acks); ` +
        `sweep with --clients 8,16,32; --shape heavy|reference picks the throughput shape.`,
    );
    if (options.cpuProf) console.log(`server CPU profile written to ${path.join(repoRoot, ".data", "profiles")}`);
  } finally {
    process.off("SIGINT", interrupt);
    await server?.stop().catch(() => undefined);
    await pool.end();
    if (options.keepSchema) {
      console.log(`scratch schemas ${[schema, ...storageSchemas].join(", ")} kept; drop them when done`);
    } else {
      for (const name of [schema, ...storageSchemas]) {
        await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(name)} CASCADE`).catch((error: unknown) => {
          console.error(`could not drop scratch schema ${name}: ${error instanceof Error ? error.message : String(error)}`);
        });
      }
    }
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
