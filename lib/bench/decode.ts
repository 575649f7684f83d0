/**
 * Decode + normalize throughput of decodeTraceRequest on one core:
 * `npx tsx lib/bench/decode.ts [seconds-per-case]`.
 *
 * Payload: one export request of 500 spans over 5 resources (100 spans each, 2 scopes per
 * resource), 8 HTTP-style attributes per span, an event on every 4th span, a link on every
 * 10th — roughly what an SDK's BatchSpanProcessor sends from an HTTP service.
 */
import { randomBytes } from "node:crypto";
import { decodeTraceRequest, decodeTraceRequestWithProtobufjs } from "@/lib/otlp/decode";
import type { SpanBatch } from "@/lib/otlp/model";
import { ExportTraceServiceRequest } from "@/lib/otlp/protobuf";

const SPANS_PER_REQUEST = 500;
const RESOURCES = 5;
const SCOPES_PER_RESOURCE = 2;
const OPTIONS = { maxAttributeValueLength: 16_384 };
const SECONDS = Number(process.argv[2] ?? 2);

type Json = Record<string, unknown>;

function buildRequest(): { json: Json; proto: Json } {
  const startNs = BigInt(Date.now()) * 1_000_000n;
  const jsonResources: Json[] = [];
  const protoResources: Json[] = [];
  const routes = ["/api/cart", "/api/checkout", "/api/products/{id}", "/health"];
  let n = 0;
  for (let r = 0; r < RESOURCES; r++) {
    const resourceAttributes = [
      { key: "service.name", value: { stringValue: `service-${r}` } },
      { key: "service.version", value: { stringValue: "1.4.2" } },
      { key: "service.instance.id", value: { stringValue: randomBytes(8).toString("hex") } },
      { key: "telemetry.sdk.name", value: { stringValue: "opentelemetry" } },
      { key: "telemetry.sdk.language", value: { stringValue: "nodejs" } },
      { key: "host.name", value: { stringValue: `host-${r}` } },
    ];
    const jsonScopes: Json[] = [];
    const protoScopes: Json[] = [];
    for (let c = 0; c < SCOPES_PER_RESOURCE; c++) {
      const jsonSpans: Json[] = [];
      const protoSpans: Json[] = [];
      for (let s = 0; s < SPANS_PER_REQUEST / RESOURCES / SCOPES_PER_RESOURCE; s++, n++) {
        const traceId = randomBytes(16);
        const spanId = randomBytes(8);
        const parentSpanId = n % 3 === 0 ? undefined : randomBytes(8);
        const start = startNs + BigInt(n) * 1_000_000n;
        const end = start + BigInt(1 + (n % 250)) * 1_000_000n;
        const route = routes[n % routes.length];
        const attributes = [
          { key: "http.request.method", value: { stringValue: n % 5 === 0 ? "POST" : "GET" } },
          { key: "http.route", value: { stringValue: route } },
          { key: "url.path", value: { stringValue: route.replace("{id}", String(n)) } },
          { key: "url.scheme", value: { stringValue: "http" } },
          { key: "http.response.status_code", value: { intValue: n % 17 === 0 ? 500 : 200 } },
          { key: "server.address", value: { stringValue: `service-${r}.internal` } },
          { key: "server.port", value: { intValue: 8080 } },
          { key: "user_agent.original", value: { stringValue: "Mozilla/5.0 (X11; Linux x86_64) breakwater-bench/1.0" } },
        ];
        const events =
          n % 4 === 0
            ? [
                {
                  timeUnixNano: String(start + 500_000n),
                  name: "cache.miss",
                  attributes: [{ key: "cache.key", value: { stringValue: `k${n}` } }],
                },
              ]
            : [];
        const status = n % 17 === 0 ? { code: 2, message: "upstream returned 500" } : { code: 0 };
        const common = {
          name: `GET ${route}`,
          kind: n % 2 === 0 ? 2 : 3,
          startTimeUnixNano: String(start),
          endTimeUnixNano: String(end),
          attributes,
          events,
          status,
          flags: 0x101,
        };
        const link = n % 10 === 0 ? { traceId: randomBytes(16), spanId: randomBytes(8) } : undefined;
        jsonSpans.push({
          traceId: traceId.toString("hex"),
          spanId: spanId.toString("hex"),
          parentSpanId: parentSpanId?.toString("hex"),
          links: link ? [{ traceId: link.traceId.toString("hex"), spanId: link.spanId.toString("hex") }] : [],
          ...common,
        });
        protoSpans.push({ traceId, spanId, parentSpanId, links: link ? [link] : [], ...common });
      }
      const scope = { name: `@opentelemetry/instrumentation-${c === 0 ? "http" : "pg"}`, version: "0.57.0" };
      jsonScopes.push({ scope, spans: jsonSpans });
      protoScopes.push({ scope, spans: protoSpans });
    }
    jsonResources.push({ resource: { attributes: resourceAttributes }, scopeSpans: jsonScopes });
    protoResources.push({ resource: { attributes: resourceAttributes }, scopeSpans: protoScopes });
  }
  return { json: { resourceSpans: jsonResources }, proto: { resourceSpans: protoResources } };
}

type Case = { label: string; body: Uint8Array; decode: (body: Uint8Array) => SpanBatch };

/** Spans per second over a time budget, after a JIT warm-up. */
function measure({ label, body, decode }: Case, seconds: number): number {
  const check = decode(body);
  if (check.spans.length !== SPANS_PER_REQUEST) throw new Error(`${label}: decoded ${check.spans.length} spans`);
  for (let i = 0; i < 50; i++) decode(body);
  let requests = 0;
  const started = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 10; i++) decode(body);
    requests += 10;
    elapsed = process.hrtime.bigint() - started;
  }
  return (requests * SPANS_PER_REQUEST) / (Number(elapsed) / 1e9);
}

const { json, proto } = buildRequest();
const protobufBody = ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(proto)).finish();
const jsonBody = Buffer.from(JSON.stringify(json));
// The same request with the 19-digit timestamps as JSON numbers (allowed by OTLP/JSON; they
// take decodeJson's exact, slower parse).
const jsonNumbersBody = Buffer.from(jsonBody.toString().replace(/"(\w*TimeUnixNano)":"(\d+)"/g, '"$1":$2'));
const cases: Case[] = [
  {
    label: "protobuf (specialized decoder)",
    body: protobufBody,
    decode: (body) => decodeTraceRequest(body, "protobuf", OPTIONS),
  },
  {
    label: "protobuf (protobufjs reference)",
    body: protobufBody,
    decode: (body) => decodeTraceRequestWithProtobufjs(body, OPTIONS),
  },
  { label: "OTLP/JSON", body: jsonBody, decode: (body) => decodeTraceRequest(body, "json", OPTIONS) },
  { label: "OTLP/JSON (times as numbers)", body: jsonNumbersBody, decode: (body) => decodeTraceRequest(body, "json", OPTIONS) },
];

// Cases alternate over three rounds (best round kept) so a noisy neighbour hurts all alike.
const ROUNDS = 3;
console.log(`decodeTraceRequest: ${SPANS_PER_REQUEST} spans/request, best of ${ROUNDS} x ${SECONDS}s, node ${process.version}`);
const best = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const item of cases) best.set(item.label, Math.max(best.get(item.label) ?? 0, measure(item, SECONDS)));
}
for (const item of cases) {
  const spansPerSecond = best.get(item.label) ?? 0;
  console.log(
    `${item.label.padEnd(32)} ${(item.body.length / 1024).toFixed(0).padStart(4)} KiB/request ` +
      `${((SPANS_PER_REQUEST / spansPerSecond) * 1000).toFixed(2).padStart(6)} ms/request ` +
      `${Math.round(spansPerSecond).toLocaleString("en-US").padStart(9)} spans/s`,
  );
}
const ratio = (best.get(cases[0].label) ?? 0) / (best.get(cases[1].label) ?? 1);
console.log(`specialized / protobufjs: ${ratio.toFixed(2)}x`);
