/**
 * Decode + normalize throughput of decodeTraceRequest on one core:
 * `npx tsx lib/bench/decode.ts [seconds-per-case]`.
 *
 * Payload: one export request of 500 spans over 5 resources (100 spans each, 2 scopes per
 * resource), 8 HTTP-style attributes per span, an event on every 4th span, a link on every
 * 10th — roughly what an SDK's BatchSpanProcessor sends from an HTTP service.
 */
import { randomBytes } from "node:crypto";
import { decodeTraceRequest, type OtlpFormat } from "@/lib/otlp/decode";
import { ExportTraceServiceRequest } from "@/lib/otlp/protobuf";

const SPANS_PER_REQUEST = 500;
const RESOURCES = 5;
const SCOPES_PER_RESOURCE = 2;
const OPTIONS = { maxAttributeValueLength: 16_384 };
const SECONDS = Number(process.argv[2] ?? 3);

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
        const events = n % 4 === 0 ? [{ timeUnixNano: String(start + 500_000n), name: "cache.miss", attributes: [{ key: "cache.key", value: { stringValue: `k${n}` } }] }] : [];
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

function measure(label: string, body: Uint8Array, format: OtlpFormat): void {
  const check = decodeTraceRequest(body, format, OPTIONS);
  if (check.spans.length !== SPANS_PER_REQUEST) throw new Error(`${label}: decoded ${check.spans.length} spans`);
  // Warm up the JIT before timing.
  for (let i = 0; i < 50; i++) decodeTraceRequest(body, format, OPTIONS);
  let requests = 0;
  const started = process.hrtime.bigint();
  const budget = BigInt(Math.round(SECONDS * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 10; i++) decodeTraceRequest(body, format, OPTIONS);
    requests += 10;
    elapsed = process.hrtime.bigint() - started;
  }
  const seconds = Number(elapsed) / 1e9;
  const spansPerSecond = (requests * SPANS_PER_REQUEST) / seconds;
  console.log(
    `${label.padEnd(10)} ${(body.length / 1024).toFixed(0).padStart(5)} KiB/request  ` +
      `${((seconds / requests) * 1000).toFixed(2).padStart(7)} ms/request  ${Math.round(spansPerSecond).toLocaleString("en-US").padStart(9)} spans/s`,
  );
}

const { json, proto } = buildRequest();
const protobufBody = ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(proto)).finish();
const jsonBody = Buffer.from(JSON.stringify(json));
console.log(`decodeTraceRequest, ${SPANS_PER_REQUEST} spans/request, ${SECONDS}s per case, node ${process.version}`);
measure("protobuf", protobufBody, "protobuf");
measure("json", jsonBody, "json");
