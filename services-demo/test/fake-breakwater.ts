/**
 * A small stand-in for Breakwater's control-plane API, for the demo's own tests (and for
 * trying the shop without the real server): heartbeats, discovery with long-poll, route
 * declaration — each validated with the shared contract's schemas, so a demo process sending
 * something the real API would refuse fails here too. Plus an OTLP/HTTP capture that decodes
 * the spans the processes export.
 *
 * Registry semantics are the real ones in miniature: an instance is in discovery while its
 * last reported status is healthy or degraded and its last beat is younger than its TTL.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  type DiscoveryResponse,
  type DiscoveryRoute,
  type Heartbeat,
  heartbeatSchema,
  routeDeclarationSchema,
} from "../../lib/control/contract";
import { ExportTraceServiceRequest } from "../../lib/otlp/protobuf";

export type ReceivedBeat = { at: number; beat: Heartbeat };

export type FakeBreakwater = {
  url: string;
  /** Every accepted heartbeat, oldest first. */
  beats: ReceivedBeat[];
  /** Route declarations received (valid ones), oldest first. */
  declarations: unknown[];
  routes: Map<string, DiscoveryRoute>;
  /** Discovery requests answered (200 or 304). */
  discoveryRequests: number;
  /** Change a route's weights as the dashboard would (version + 1); wakes long-polls. */
  setRouteWeights(id: string, backends: DiscoveryRoute["backends"]): void;
  /** Latest beat per instance id. */
  latest(): Map<string, Heartbeat>;
  close(): Promise<void>;
};

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": status >= 400 ? "application/problem+json" : "application/json" });
  res.end(text);
}

export async function startFakeBreakwater(options: { token?: string; port?: number } = {}): Promise<FakeBreakwater> {
  const beats: ReceivedBeat[] = [];
  const declarations: unknown[] = [];
  const routes = new Map<string, DiscoveryRoute>();
  const waiters = new Set<() => void>();
  const state = { discoveryRequests: 0 };

  const latest = () => {
    const out = new Map<string, Heartbeat>();
    for (const { beat } of beats) out.set(beat.instanceId, beat);
    return out;
  };
  const lastBeatAt = () => {
    const out = new Map<string, number>();
    for (const { at, beat } of beats) out.set(beat.instanceId, at);
    return out;
  };
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const discovery = (services: string[]): DiscoveryResponse => {
    const now = Date.now();
    const seenAt = lastBeatAt();
    const instances = [...latest().values()]
      .filter((beat) => services.includes(beat.service))
      .filter((beat) => beat.status !== "unhealthy" && now - (seenAt.get(beat.instanceId) ?? 0) <= beat.ttlMs)
      .map((beat) => ({
        instanceId: beat.instanceId,
        service: beat.service,
        version: beat.version,
        address: beat.address,
        status: beat.status,
      }))
      .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
    const matching = [...routes.values()]
      .filter((route) => services.includes(route.service))
      .sort((a, b) => a.id.localeCompare(b.id));
    const version = createHash("sha256").update(JSON.stringify({ instances, matching })).digest("hex").slice(0, 16);
    return { version, routes: matching, instances };
  };

  // Which discovery answers a beat can change: those naming its service.
  const discoveryVersionsFor = (service: string) => discovery([service]).version;

  const authorized = (req: http.IncomingMessage) => !options.token || req.headers.authorization === `Bearer ${options.token}`;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    void (async () => {
      if (req.method === "POST" && url.pathname === "/api/v1/heartbeats") {
        if (!authorized(req)) return json(res, 401, { title: "missing or wrong machine token" });
        let body: unknown;
        try {
          body = JSON.parse(await readBody(req));
        } catch {
          return json(res, 400, { title: "not JSON" });
        }
        const parsed = heartbeatSchema.safeParse(body);
        if (!parsed.success) return json(res, 400, { title: "invalid heartbeat", issues: parsed.error.issues });
        const before = discoveryVersionsFor(parsed.data.service);
        beats.push({ at: Date.now(), beat: parsed.data });
        if (beats.length > 20_000) beats.splice(0, 10_000);
        if (discoveryVersionsFor(parsed.data.service) !== before) wake();
        return json(res, 200, { accepted: true, status: parsed.data.status });
      }
      if (req.method === "POST" && url.pathname === "/api/v1/routes") {
        if (!authorized(req)) return json(res, 401, { title: "missing or wrong machine token" });
        const parsed = routeDeclarationSchema.safeParse(JSON.parse((await readBody(req)) || "null"));
        if (!parsed.success) return json(res, 400, { title: "invalid route", issues: parsed.error.issues });
        declarations.push(parsed.data);
        const existing = routes.get(parsed.data.id);
        if (existing) return json(res, 200, existing);
        const created = { id: parsed.data.id, service: parsed.data.service, version: 1, backends: parsed.data.backends };
        routes.set(created.id, created);
        wake();
        return json(res, 201, created);
      }
      if (req.method === "GET" && url.pathname === "/api/v1/discovery") {
        if (!authorized(req)) return json(res, 401, { title: "missing or wrong machine token" });
        const services = url.searchParams.getAll("service");
        const since = url.searchParams.get("since");
        const waitMs = Math.min(Number(url.searchParams.get("waitMs") ?? 0) || 0, 30_000);
        const deadline = Date.now() + waitMs;
        let answer = discovery(services);
        // Long-poll: hold while nothing changed (rechecking, as TTL expiry changes nothing by itself).
        while (since !== null && answer.version === since && Date.now() < deadline && !req.destroyed) {
          await new Promise<void>((resolve) => {
            const done = () => {
              waiters.delete(done);
              clearTimeout(timer);
              resolve();
            };
            const timer = setTimeout(done, Math.min(250, Math.max(0, deadline - Date.now())));
            waiters.add(done);
          });
          answer = discovery(services);
        }
        state.discoveryRequests++;
        if (since !== null && answer.version === since) {
          res.writeHead(304, { etag: `"${answer.version}"` });
          return res.end();
        }
        res.setHeader("etag", `"${answer.version}"`);
        return json(res, 200, answer);
      }
      json(res, 404, { title: `no ${req.method} ${url.pathname} here` });
    })().catch((error: unknown) => json(res, 500, { title: error instanceof Error ? error.message : String(error) }));
  });

  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: options.port ?? 0 }, resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    beats,
    declarations,
    routes,
    get discoveryRequests() {
      return state.discoveryRequests;
    },
    setRouteWeights(id, backends) {
      const route = routes.get(id);
      if (!route) throw new Error(`no route ${id}`);
      routes.set(id, { ...route, version: route.version + 1, backends });
      wake();
    },
    latest,
    close() {
      wake();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// ——— OTLP capture ———

export type CapturedSpan = {
  service: string;
  instanceId: string | undefined;
  version: string | undefined;
  name: string;
  /** OTLP enum: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, unknown>;
  statusCode: number;
};

export type OtlpCapture = { url: string; spans: CapturedSpan[]; requests: number; close(): Promise<void> };

type AnyValueLike = {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: number | { toNumber(): number } | null;
  doubleValue?: number | null;
};

function attributeValue(value: AnyValueLike | null | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue != null) return value.stringValue;
  if (value.boolValue != null) return value.boolValue;
  if (value.intValue != null) return typeof value.intValue === "number" ? value.intValue : value.intValue.toNumber();
  if (value.doubleValue != null) return value.doubleValue;
  return undefined;
}

function attributes(list: readonly { key?: string | null; value?: AnyValueLike | null }[] | null | undefined) {
  const out: Record<string, unknown> = {};
  for (const entry of list ?? []) if (entry.key) out[entry.key] = attributeValue(entry.value);
  return out;
}

const hex = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString("hex");

/** OTLP/HTTP protobuf receiver on /v1/traces that keeps what it decodes. */
export async function startOtlpCapture(): Promise<OtlpCapture> {
  const spans: CapturedSpan[] = [];
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404);
        return res.end();
      }
      state.requests++;
      const request = ExportTraceServiceRequest.decode(Buffer.concat(chunks));
      for (const resourceSpans of request.resourceSpans ?? []) {
        const resource = attributes(resourceSpans.resource?.attributes);
        for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
          for (const span of scopeSpans.spans ?? []) {
            spans.push({
              service: String(resource["service.name"]),
              instanceId: resource["service.instance.id"] as string | undefined,
              version: resource["service.version"] as string | undefined,
              name: span.name ?? "",
              kind: Number(span.kind ?? 0),
              traceId: hex(span.traceId),
              spanId: hex(span.spanId),
              parentSpanId: hex(span.parentSpanId),
              attributes: attributes(span.attributes),
              statusCode: Number(span.status?.code ?? 0),
            });
          }
        }
      }
      if (spans.length > 200_000) spans.splice(0, 100_000);
      res.writeHead(200, { "content-type": "application/x-protobuf" });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
