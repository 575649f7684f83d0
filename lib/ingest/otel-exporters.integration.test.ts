/**
 * Real clients against the real server: the official OpenTelemetry JS exporters (OTLP/HTTP
 * JSON, OTLP/HTTP protobuf, OTLP/gRPC; with and without gzip) export spans made by the
 * OpenTelemetry SDK to the receivers started by startServer() (web port /v1/traces, the
 * OTLP/HTTP port, the OTLP/gRPC port). Each trace is read back through the Jaeger API's
 * GET /api/traces/{traceId} route handler and compared with what the SDK recorded.
 *
 * The route handler is called directly with a Request rather than through Next.js: a Next.js
 * dev server takes a per-directory lock (and exits the process when a developer's `npm run
 * dev` holds it), and a production server needs a fresh `next build`. The custom server's
 * Next.js wiring has its own test in lib/server/main.integration.test.ts.
 */
import { type HrTime, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as OTLPGrpcTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as OTLPJsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OTLPProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getTraceRoute } from "@/app/api/traces/[traceId]/route";
import { closeDb } from "@/lib/db/pool";
import { parseEnv, resetEnvForTests } from "@/lib/env";
import type { JaegerEnvelope, JaegerKeyValue, JaegerSpan, JaegerTrace } from "@/lib/jaeger/types";
import { silentLogger } from "@/lib/server/logger";
import { type ServerHandle, startServer } from "@/lib/server/main";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";

let db: TestDatabase;
let server: ServerHandle;
let previousDatabaseUrl: string | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  // The route handler builds its pool from DATABASE_URL through getEnv()/getPool(): point it
  // at this file's schema. (The test harness, not app code, sets process.env here.)
  previousDatabaseUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = db.url;
  resetEnvForTests();
  server = await startServer({
    env: parseEnv({ DATABASE_URL: db.url, LOG_LEVEL: "warn" }),
    ports: { web: 0, otlpHttp: 0, otlpGrpc: 0 },
    pool: db.pool,
    next: false,
    maintenance: false,
    banner: false,
    log: silentLogger,
  });
});

afterAll(async () => {
  await server?.close();
  await closeDb();
  process.env.DATABASE_URL = previousDatabaseUrl;
  resetEnvForTests();
  await db?.close();
});

/** Whole seconds in the past, plus the given nanoseconds: exact HrTime values to compare with. */
const baseSeconds = Math.floor(Date.now() / 1000) - 60;
const at = (offsetNs: number): HrTime => [baseSeconds + Math.floor(offsetNs / 1e9), offsetNs % 1e9];
const hrToMicros = (time: HrTime) => time[0] * 1_000_000 + Math.floor(time[1] / 1000);
const hrToNanos = (time: HrTime) => BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);

type RecordedTrace = {
  traceId: string;
  spans: ReadableSpan[];
  server: ReadableSpan;
  client: ReadableSpan;
  internal: ReadableSpan;
};

/** A checkout request as an instrumented service would record it, through the real SDK. */
async function recordTrace(serviceName: string): Promise<RecordedTrace> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName, "service.version": "1.4.2", "host.cpu.count": 8 }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer("breakwater-exporter-test", "0.9.0");

  // Nanosecond parts below the microsecond (…789) are there to show truncation to µs.
  const serverSpan = tracer.startSpan("GET /checkout", {
    kind: SpanKind.SERVER,
    startTime: at(123_456_789),
    attributes: {
      "http.request.method": "GET",
      "http.response.status_code": 200,
      "app.ratio": 0.75,
      "app.cached": false,
      "app.tags": ["a", "b"],
      "app.sizes": [1, 2, 3],
      "app.weights": [0.5, 1.5],
      "app.flags": [true, false],
    },
  });
  const serverContext = trace.setSpan(ROOT_CONTEXT, serverSpan);
  const clientSpan = tracer.startSpan(
    "POST /payments",
    { kind: SpanKind.CLIENT, startTime: at(150_000_001), attributes: { "server.address": "payments", "server.port": 8443 } },
    serverContext,
  );
  clientSpan.setStatus({ code: SpanStatusCode.ERROR, message: "payment declined" });
  clientSpan.end(at(412_345_999));

  const internalSpan = tracer.startSpan("compute-total", { kind: SpanKind.INTERNAL, startTime: at(420_000_500) }, serverContext);
  internalSpan.addEvent("cache.miss", { "cache.key": "cart:42", "cache.attempt": 2 }, at(421_000_700));
  internalSpan.addEvent("rounded", { "amount.cents": 1999 }, at(429_999_999));
  internalSpan.setAttribute("line_items", 3);
  internalSpan.end(at(430_000_000));

  serverSpan.setStatus({ code: SpanStatusCode.OK });
  serverSpan.end(at(500_000_000));

  await provider.forceFlush();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  const byName = (name: string) => {
    const span = spans.find((s) => s.name === name);
    if (!span) throw new Error(`span ${name} not recorded`);
    return span;
  };
  return {
    traceId: serverSpan.spanContext().traceId,
    spans,
    server: byName("GET /checkout"),
    client: byName("POST /payments"),
    internal: byName("compute-total"),
  };
}

function exportWith(exporter: SpanExporter, spans: ReadableSpan[]): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(spans, (result) => resolve(result)));
}

/** GET /api/traces/{traceId}, as Next.js calls the route handler. */
async function fetchTrace(traceId: string): Promise<JaegerTrace> {
  const request = new Request(`http://breakwater.test/api/traces/${traceId}`);
  const response = await getTraceRoute(request, { params: Promise.resolve({ traceId }) });
  expect(response.status).toBe(200);
  const body = (await response.json()) as JaegerEnvelope<JaegerTrace[]>;
  expect(body.errors).toBeNull();
  expect(body.data).toHaveLength(1);
  return body.data[0];
}

function tag(span: JaegerSpan | { tags: JaegerKeyValue[] }, key: string): JaegerKeyValue | undefined {
  return span.tags.find((t) => t.key === key);
}

/** Everything the SDK recorded is what the Jaeger API returns. */
function expectSameTrace(recorded: RecordedTrace, stored: JaegerTrace, serviceName: string): void {
  expect(stored.traceID).toBe(recorded.traceId);
  expect(stored.spans).toHaveLength(3);
  const find = (readable: ReadableSpan) => {
    const span = stored.spans.find((s) => s.spanID === readable.spanContext().spanId);
    if (!span) throw new Error(`span ${readable.name} missing from the Jaeger answer`);
    return span;
  };
  const serverSpan = find(recorded.server);
  const clientSpan = find(recorded.client);
  const internalSpan = find(recorded.internal);

  // Parentage.
  expect(serverSpan.references).toEqual([]);
  for (const child of [clientSpan, internalSpan]) {
    expect(child.references).toEqual([{ refType: "CHILD_OF", traceID: recorded.traceId, spanID: serverSpan.spanID }]);
  }

  // Names, start times and durations to the microsecond.
  for (const [readable, span] of [
    [recorded.server, serverSpan],
    [recorded.client, clientSpan],
    [recorded.internal, internalSpan],
  ] as const) {
    expect(span.operationName).toBe(readable.name);
    expect(span.startTime).toBe(hrToMicros(readable.startTime));
    expect(span.duration).toBe(Number(hrToNanos(readable.duration) / 1000n));
    expect(span.warnings).toBeNull();
  }
  expect(serverSpan.startTime).toBe(baseSeconds * 1_000_000 + 123_456);
  expect(clientSpan.duration).toBe(262_345); // 412_345_999 − 150_000_001 ns = 262 345.998 µs, truncated

  // Attributes of every type as tags.
  expect(tag(serverSpan, "http.request.method")).toEqual({ key: "http.request.method", type: "string", value: "GET" });
  expect(tag(serverSpan, "http.response.status_code")).toEqual({ key: "http.response.status_code", type: "int64", value: 200 });
  expect(tag(serverSpan, "app.ratio")).toEqual({ key: "app.ratio", type: "float64", value: 0.75 });
  expect(tag(serverSpan, "app.cached")).toEqual({ key: "app.cached", type: "bool", value: false });
  expect(tag(serverSpan, "app.tags")).toEqual({ key: "app.tags", type: "string", value: '["a","b"]' });
  expect(tag(serverSpan, "app.sizes")).toEqual({ key: "app.sizes", type: "string", value: "[1,2,3]" });
  expect(tag(serverSpan, "app.weights")).toEqual({ key: "app.weights", type: "string", value: "[0.5,1.5]" });
  expect(tag(serverSpan, "app.flags")).toEqual({ key: "app.flags", type: "string", value: "[true,false]" });
  expect(tag(serverSpan, "span.kind")?.value).toBe("server");
  expect(tag(serverSpan, "otel.status_code")?.value).toBe("OK");
  expect(tag(serverSpan, "otel.scope.name")?.value).toBe("breakwater-exporter-test");
  expect(tag(serverSpan, "otel.scope.version")?.value).toBe("0.9.0");
  expect(tag(clientSpan, "span.kind")?.value).toBe("client");
  expect(tag(clientSpan, "server.port")).toEqual({ key: "server.port", type: "int64", value: 8443 });
  expect(tag(internalSpan, "span.kind")?.value).toBe("internal");
  expect(tag(internalSpan, "line_items")).toEqual({ key: "line_items", type: "int64", value: 3 });

  // Error status.
  expect(tag(clientSpan, "error")).toEqual({ key: "error", type: "bool", value: true });
  expect(tag(clientSpan, "otel.status_code")?.value).toBe("ERROR");
  expect(tag(clientSpan, "otel.status_description")?.value).toBe("payment declined");
  expect(tag(serverSpan, "error")).toBeUndefined();

  // Events as logs, timestamps to the microsecond.
  expect(internalSpan.logs).toEqual([
    {
      timestamp: hrToMicros(recorded.internal.events[0].time),
      fields: [
        { key: "event", type: "string", value: "cache.miss" },
        { key: "cache.attempt", type: "int64", value: 2 },
        { key: "cache.key", type: "string", value: "cart:42" },
      ],
    },
    {
      timestamp: hrToMicros(recorded.internal.events[1].time),
      fields: [
        { key: "event", type: "string", value: "rounded" },
        { key: "amount.cents", type: "int64", value: 1999 },
      ],
    },
  ]);
  expect(internalSpan.logs[0].timestamp).toBe(baseSeconds * 1_000_000 + 421_000);

  // Service name and the rest of the resource as the process.
  const processIds = new Set(stored.spans.map((s) => s.processID));
  expect(processIds.size).toBe(1);
  const process = stored.processes[serverSpan.processID];
  expect(process.serviceName).toBe(serviceName);
  expect(tag(process, "service.version")).toEqual({ key: "service.version", type: "string", value: "1.4.2" });
  expect(tag(process, "host.cpu.count")).toEqual({ key: "host.cpu.count", type: "int64", value: 8 });
  expect(tag(process, "service.name")).toBeUndefined();
}

// The exporters' compression option is an enum of a transitive package; take its type from
// the exporter's own constructor instead of importing that package.
const GZIP = "gzip" as NonNullable<NonNullable<ConstructorParameters<typeof OTLPGrpcTraceExporter>[0]>["compression"]>;

type Case = { name: string; service: string; makeExporter: () => SpanExporter };

const cases: Case[] = [
  {
    name: "OTLP/HTTP JSON to the web port's /v1/traces",
    service: "shop-http-json-web",
    makeExporter: () => new OTLPJsonTraceExporter({ url: `${server.urls.web}/v1/traces` }),
  },
  {
    name: "OTLP/HTTP JSON, gzip, to the OTLP/HTTP port",
    service: "shop-http-json-gzip",
    makeExporter: () => new OTLPJsonTraceExporter({ url: `${server.urls.otlpHttp}/v1/traces`, compression: GZIP }),
  },
  {
    name: "OTLP/HTTP protobuf to the OTLP/HTTP port",
    service: "shop-http-proto",
    makeExporter: () => new OTLPProtoTraceExporter({ url: `${server.urls.otlpHttp}/v1/traces` }),
  },
  {
    name: "OTLP/HTTP protobuf, gzip, to the web port's /v1/traces",
    service: "shop-http-proto-gzip-web",
    makeExporter: () => new OTLPProtoTraceExporter({ url: `${server.urls.web}/v1/traces`, compression: GZIP }),
  },
  {
    name: "OTLP/gRPC",
    service: "shop-grpc",
    makeExporter: () => new OTLPGrpcTraceExporter({ url: server.urls.otlpGrpc }),
  },
  {
    name: "OTLP/gRPC with gzip",
    service: "shop-grpc-gzip",
    makeExporter: () => new OTLPGrpcTraceExporter({ url: server.urls.otlpGrpc, compression: GZIP }),
  },
];

describe("official OpenTelemetry exporters → Breakwater → Jaeger API", () => {
  it.each(cases)("$name", async ({ service, makeExporter }) => {
    const recorded = await recordTrace(service);
    const exporter = makeExporter();
    try {
      const result = await exportWith(exporter, recorded.spans);
      expect(result.error).toBeUndefined();
      expect(result.code).toBe(0); // ExportResultCode.SUCCESS
    } finally {
      await exporter.shutdown();
    }
    // The exporter's success means the receiver answered after COMMIT: readable right away.
    expectSameTrace(recorded, await fetchTrace(recorded.traceId), service);
  });

  it("a second delivery of the same spans (an exporter retry) changes nothing", async () => {
    const recorded = await recordTrace("shop-retry");
    for (let i = 0; i < 2; i++) {
      const exporter = new OTLPProtoTraceExporter({ url: `${server.urls.otlpHttp}/v1/traces` });
      expect((await exportWith(exporter, recorded.spans)).code).toBe(0);
      await exporter.shutdown();
    }
    const rows = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM spans WHERE trace_id = $1::uuid", [
      recorded.traceId,
    ]);
    expect(rows.rows[0].n).toBe(3);
    expectSameTrace(recorded, await fetchTrace(recorded.traceId), "shop-retry");
  });
});
