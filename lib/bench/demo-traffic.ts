/**
 * Demo-shaped OTLP traffic for the query benchmark (lib/bench/query.ts): export requests
 * shaped like what the demo shop (services-demo/) sends, cheap enough to produce ten million
 * spans of on a shared 2-core machine.
 *
 *   loadgen → gateway → catalog → catalog-cache (redis, virtual)
 *                     → orders (v1 90 % / v2 10 %) → inventory → postgresql (virtual)
 *                                                → payments-1|2 → card-network (virtual)
 *                                                → postgresql
 *
 * The loadgen mix is the demo's (browse 60 %, product detail 20 %, place order 15 %, read
 * order 5 %); latencies are lognormal with rare tails (the demo's profiles); failures are
 * the demo's kinds (catalog 500s retried by the gateway, attempt timeouts, cards declined,
 * database errors, rate limiting, short-circuits by open breakers), and the gateway and
 * orders attempt spans carry the resilience attributes of lib/control/contract
 * (RESILIENCE_ATTRIBUTES) with HTTP semantic-convention attributes everywhere.
 *
 * How: `buildTemplates` encodes a few dozen protobuf requests of about 500 spans each once
 * (structure, names, attributes, ids, statuses). `stampRequest` copies one and writes into it
 * a request counter (the first 4 bytes of every trace and span id, so ids never repeat), a
 * start for every trace inside the request's time slice, and every span's start and end
 * drawn afresh from the latency profiles (children inside their parents, calls one after the
 * other). So every span has its own durations and times while the per-request cost stays a
 * few hundred nanoseconds per span; the bytes are then read by the real receiver path.
 */
import { RESILIENCE_ATTRIBUTES } from "@/lib/control/contract";
import { SPAN_KIND, STATUS_CODE } from "@/lib/otlp/model";
import { ExportTraceServiceRequest } from "@/lib/otlp/protobuf";

// --- randomness ------------------------------------------------------------------------------

/** A seeded generator of uniform numbers in [0, 1) (mulberry32): runs are reproducible. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function standardNormal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A latency profile as the demo's (services-demo/shared/latency): lognormal plus a uniform tail. */
export type LatencyProfile = { medianMs: number; sigma: number; tailRate?: number; tailMinMs?: number; tailMaxMs?: number };

export function sampleLatencyMs(profile: LatencyProfile, random: () => number): number {
  const { tailRate = 0, tailMinMs = 0, tailMaxMs = 0 } = profile;
  if (tailRate > 0 && random() < tailRate) return tailMinMs + random() * (tailMaxMs - tailMinMs);
  return profile.medianMs * Math.exp(profile.sigma * standardNormal(random));
}

// --- the shop ------------------------------------------------------------------------------------

export type DemoInstance = { service: string; instanceId: string; version: string; port: number };

/** The demo's processes (services-demo/README.md), one resource each. */
export const DEMO_INSTANCES = [
  { service: "loadgen", instanceId: "loadgen-1", version: "v1", port: 0 },
  { service: "gateway", instanceId: "gateway-1", version: "v1", port: 8080 },
  { service: "catalog", instanceId: "catalog-1", version: "v1", port: 8101 },
  { service: "orders", instanceId: "orders-v1-1", version: "v1", port: 8111 },
  { service: "orders", instanceId: "orders-v2-1", version: "v2", port: 8112 },
  { service: "inventory", instanceId: "inventory-1", version: "v1", port: 8121 },
  { service: "payments", instanceId: "payments-1", version: "v1", port: 8131 },
  { service: "payments", instanceId: "payments-2", version: "v1", port: 8132 },
] as const satisfies readonly DemoInstance[];

type InstanceId = (typeof DEMO_INSTANCES)[number]["instanceId"];

export const DEMO_SERVICE_NAMES = [...new Set(DEMO_INSTANCES.map((instance) => instance.service))];

const INSTANCE_INDEX = new Map<string, number>(DEMO_INSTANCES.map((instance, i) => [instance.instanceId, i]));

const SCOPES = [
  { name: "@opentelemetry/instrumentation-http", version: "0.301.0" },
  { name: "breakwater-demo", version: "0.1.0" },
  { name: "@opentelemetry/instrumentation-pg", version: "0.77.0" },
] as const;
const SCOPE = { http: 0, demo: 1, pg: 2 } as const;

// Latency profiles (ms): the demo's where it has them (catalog, orders, card network, cache).
const LATENCY = {
  network: { medianMs: 0.25, sigma: 0.4, tailRate: 0.002, tailMinMs: 2, tailMaxMs: 20 },
  loadgen: { medianMs: 0.15, sigma: 0.3 },
  gateway: { medianMs: 0.6, sigma: 0.4, tailRate: 0.002, tailMinMs: 5, tailMaxMs: 40 },
  catalogWork: { medianMs: 4, sigma: 0.5, tailRate: 0.005, tailMinMs: 50, tailMaxMs: 150 },
  cacheHit: { medianMs: 1, sigma: 0.4 },
  cacheMiss: { medianMs: 14, sigma: 0.5, tailRate: 0.01, tailMinMs: 80, tailMaxMs: 200 },
  ordersV1: { medianMs: 30, sigma: 0.35, tailRate: 0.005, tailMinMs: 120, tailMaxMs: 250 },
  ordersV2: { medianMs: 14, sigma: 0.3, tailRate: 0.04, tailMinMs: 250, tailMaxMs: 900 },
  ordersRead: { medianMs: 3, sigma: 0.4, tailRate: 0.005, tailMinMs: 40, tailMaxMs: 120 },
  inventory: { medianMs: 2, sigma: 0.5, tailRate: 0.01, tailMinMs: 20, tailMaxMs: 60 },
  payments: { medianMs: 2.5, sigma: 0.4 },
  cardNetwork: { medianMs: 35, sigma: 0.45, tailRate: 0.01, tailMinMs: 300, tailMaxMs: 700 },
  database: { medianMs: 1.2, sigma: 0.5, tailRate: 0.005, tailMinMs: 20, tailMaxMs: 80 },
  /** A server that made its caller's attempt time out. */
  stuck: { medianMs: 1500, sigma: 0.3 },
  tiny: { medianMs: 0.05, sigma: 0.3 },
} satisfies Record<string, LatencyProfile>;

/** The gateway's per-attempt timeout (ms): a timed-out attempt span lasts exactly this long. */
const ATTEMPT_TIMEOUT_MS = 1_000;

// Failure and resilience rates (per call unless said otherwise).
const RATES = {
  rateLimited: 0.007, // per trace: the gateway answers 429
  catalogError: 0.02, // catalog answers 500; GETs are retried once
  attemptTimeout: 0.003, // a gateway attempt times out; retried
  shortCircuit: 0.002, // per catalog request: every catalog breaker open, fallback answer
  halfOpen: 0.01, // the breaker of the chosen instance is half-open
  ordersError: 0.06, // orders fails placing an order
  databaseError: 0.004,
  declined: 0.03, // the card network declines
  cacheHit: 0.9,
  ordersV2: 0.1,
} as const;

const PRODUCT_IDS = 40;
/** Order ids in read-order paths: a bounded set, so operation names stay low-cardinality. */
const ORDER_IDS = 50;

// --- span trees -------------------------------------------------------------------------------

type AttributeValue = { stringValue: string } | { intValue: number } | { boolValue: boolean };
type Attribute = { key: string; value: AttributeValue };
type Attributes = Record<string, string | number | boolean>;

function toAttributes(attributes: Attributes): Attribute[] {
  return Object.entries(attributes).map(([key, value]) => ({
    key,
    value:
      typeof value === "string"
        ? { stringValue: value }
        : typeof value === "boolean"
          ? { boolValue: value }
          : { intValue: value },
  }));
}

/** One span of a template trace; its times are drawn when the template is stamped. */
type SpanNode = {
  instance: number;
  scope: number;
  name: string;
  kind: number;
  attributes: Attributes;
  /** Status ERROR with this message (and an exception event). */
  error?: { type: string; message: string };
  /** Own time (a client's: the network around its server child, or the whole call for a leaf). */
  latency: LatencyProfile;
  /** Called one after the other; a client span has at most one (its server). */
  children: SpanNode[];
  /** A client attempt cut by its timeout: it lasts exactly this long, its server runs on. */
  timeoutMs?: number;
};

const node = (
  instanceId: InstanceId,
  fields: Omit<SpanNode, "instance" | "children" | "scope"> & { scope?: number; children?: SpanNode[] },
): SpanNode => {
  const { scope = SCOPE.http, children = [], ...rest } = fields;
  return { instance: INSTANCE_INDEX.get(instanceId)!, scope, children, ...rest };
};

type HttpCall = { method: string; path: string; route: string; status: number };

function serverSpan(instanceId: InstanceId, call: HttpCall, latency: LatencyProfile, extra: Attributes = {}): SpanNode {
  const isError = call.status >= 500;
  return node(instanceId, {
    name: `${call.method} ${call.route}`,
    kind: SPAN_KIND.SERVER,
    attributes: {
      "http.request.method": call.method,
      "http.route": call.route,
      "url.path": call.path,
      "url.scheme": "http",
      "http.response.status_code": call.status,
      "client.address": "127.0.0.1",
      ...extra,
    },
    error: isError ? { type: "HttpError", message: `${call.method} ${call.path} answered ${call.status}` } : undefined,
    latency,
  });
}

/** An upstream-pool attempt (services-demo/shared/resilience/upstream-pool): CLIENT span with the resilience attributes. */
function attemptSpan(
  from: InstanceId,
  to: DemoInstance,
  call: HttpCall,
  options: { route?: string; attempt: number; breakerState: string; timedOut?: boolean },
  server: SpanNode,
): SpanNode {
  const timedOut = options.timedOut === true;
  const isError = timedOut || call.status >= 500;
  return node(from, {
    scope: SCOPE.demo,
    name: `${call.method} ${call.path}`,
    kind: SPAN_KIND.CLIENT,
    attributes: {
      "http.request.method": call.method,
      "url.full": `http://127.0.0.1:${to.port}${call.path}`,
      "server.address": "127.0.0.1",
      "server.port": to.port,
      "peer.service": to.service,
      [RESILIENCE_ATTRIBUTES.backendInstance]: to.instanceId,
      [RESILIENCE_ATTRIBUTES.backendVersion]: to.version,
      [RESILIENCE_ATTRIBUTES.retryAttempt]: options.attempt,
      [RESILIENCE_ATTRIBUTES.breakerState]: options.breakerState,
      ...(options.route === undefined ? {} : { [RESILIENCE_ATTRIBUTES.route]: options.route }),
      [RESILIENCE_ATTRIBUTES.timeout]: timedOut,
      ...(timedOut ? { "error.type": "timeout" } : { "http.response.status_code": call.status }),
    },
    error: isError
      ? timedOut
        ? { type: "TimeoutError", message: `no answer within ${ATTEMPT_TIMEOUT_MS} ms` }
        : { type: "UpstreamError", message: `${to.service} answered ${call.status}` }
      : undefined,
    latency: LATENCY.network,
    children: [server],
    timeoutMs: timedOut ? ATTEMPT_TIMEOUT_MS : undefined,
  });
}

function databaseSpan(instanceId: InstanceId, operation: string, table: string, isError: boolean): SpanNode {
  return node(instanceId, {
    scope: SCOPE.pg,
    name: `${operation} demo_shop`,
    kind: SPAN_KIND.CLIENT,
    attributes: {
      "db.system.name": "postgresql",
      "db.namespace": "test",
      "db.operation.name": operation,
      "db.collection.name": table,
      "db.query.text":
        operation === "SELECT"
          ? `SELECT sku, available FROM demo_shop.${table} WHERE sku = ANY($1) FOR UPDATE`
          : operation === "INSERT"
            ? `INSERT INTO demo_shop.${table} (id, items, status) VALUES ($1, $2, $3)`
            : `UPDATE demo_shop.${table} SET available = available - $2 WHERE sku = $1`,
      "server.address": "127.0.0.1",
      "server.port": 5432,
    },
    error: isError ? { type: "DatabaseError", message: "could not serialize access due to concurrent update" } : undefined,
    latency: LATENCY.database,
  });
}

function cacheSpan(key: string, random: () => number): SpanNode {
  const hit = random() < RATES.cacheHit;
  return node("catalog-1", {
    scope: SCOPE.demo,
    name: "GET catalog-cache",
    kind: SPAN_KIND.CLIENT,
    attributes: {
      "peer.service": "catalog-cache",
      "server.address": "catalog-cache",
      "db.system": "redis",
      "db.system.name": "redis",
      "db.operation.name": "GET",
      "db.query.text": `GET ${key}`,
      "demo.cache.hit": hit,
    },
    latency: hit ? LATENCY.cacheHit : LATENCY.cacheMiss,
  });
}

/**
 * The gateway's side of one routed request: its attempts (a failed or timed-out GET is retried
 * once, as the demo's upstream pool does) with their servers; the status it passes on.
 */
function gatewayAttempts(
  route: string,
  call: HttpCall,
  pickTarget: () => DemoInstance,
  serve: (to: DemoInstance, isFailing: boolean) => SpanNode,
  random: () => number,
): { attempts: SpanNode[]; status: number } {
  const attempts: SpanNode[] = [];
  for (let attempt = 0; ; attempt++) {
    const to = pickTarget();
    const breakerState = random() < RATES.halfOpen ? "half_open" : "closed";
    const timedOut = random() < RATES.attemptTimeout;
    const server = serve(to, route === "catalog" && !timedOut && random() < RATES.catalogError);
    if (timedOut) server.latency = LATENCY.stuck;
    const status = Number(server.attributes["http.response.status_code"]);
    attempts.push(attemptSpan("gateway-1", to, { ...call, status }, { route, attempt, breakerState, timedOut }, server));
    const isRetried = (timedOut || status >= 500) && call.method === "GET" && attempt === 0;
    if (!isRetried) return { attempts, status: timedOut ? 504 : status };
  }
}

/** loadgen CLIENT → gateway SERVER → …: the root of every trace. */
function loadgenRequest(gatewayCall: HttpCall, gatewayServer: SpanNode, status: number): SpanNode {
  const query = gatewayCall.route === "/api/catalog/products" ? "?limit=20" : "";
  return node("loadgen-1", {
    name: gatewayCall.method,
    kind: SPAN_KIND.CLIENT,
    attributes: {
      "http.request.method": gatewayCall.method,
      "url.full": `http://127.0.0.1:8080${gatewayCall.path}${query}`,
      "server.address": "127.0.0.1",
      "server.port": 8080,
      "http.response.status_code": status,
    },
    // Client spans: 4xx and 5xx answers are errors (HTTP semantic conventions).
    error: status >= 400 ? { type: String(status), message: `gateway answered ${status}` } : undefined,
    latency: LATENCY.loadgen,
    children: [gatewayServer],
  });
}

type TraceAction = "browse" | "detail" | "placeOrder" | "getOrder";
const LOAD_MIX: [TraceAction, number][] = [
  ["browse", 0.6],
  ["detail", 0.2],
  ["placeOrder", 0.15],
  ["getOrder", 0.05],
];

function drawAction(random: () => number): TraceAction {
  let point = random();
  for (const [action, share] of LOAD_MIX) {
    point -= share;
    if (point < 0) return action;
  }
  return "browse";
}

const instance = (id: InstanceId): DemoInstance => DEMO_INSTANCES[INSTANCE_INDEX.get(id)!];

/** One trace of the loadgen mix: the root span (loadgen's CLIENT span). */
function buildTrace(random: () => number): SpanNode {
  const action = drawAction(random);
  const isCatalog = action === "browse" || action === "detail";
  const productId = 1 + Math.floor(random() * PRODUCT_IDS);
  const orderId = `ord_${1000 + Math.floor(random() * ORDER_IDS)}`;
  const gatewayCall: HttpCall =
    action === "browse"
      ? { method: "GET", path: "/api/catalog/products", route: "/api/catalog/products", status: 200 }
      : action === "detail"
        ? { method: "GET", path: `/api/catalog/products/${productId}`, route: "/api/catalog/products/:id", status: 200 }
        : action === "placeOrder"
          ? { method: "POST", path: "/api/orders", route: "/api/orders", status: 201 }
          : { method: "GET", path: `/api/orders/${orderId}`, route: "/api/orders/:id", status: 200 };
  const route = isCatalog ? "catalog" : "orders";

  if (random() < RATES.rateLimited) {
    const server = serverSpan("gateway-1", { ...gatewayCall, status: 429 }, LATENCY.gateway, {
      [RESILIENCE_ATTRIBUTES.route]: route,
      [RESILIENCE_ATTRIBUTES.rateLimited]: true,
    });
    return loadgenRequest(gatewayCall, server, 429);
  }
  if (isCatalog && random() < RATES.shortCircuit) {
    const server = serverSpan("gateway-1", { ...gatewayCall, status: 503 }, LATENCY.gateway, {
      [RESILIENCE_ATTRIBUTES.route]: route,
      [RESILIENCE_ATTRIBUTES.shortCircuited]: true,
      [RESILIENCE_ATTRIBUTES.fallback]: true,
    });
    server.children.push(
      node("gateway-1", {
        scope: SCOPE.demo,
        name: "GET catalog unavailable",
        kind: SPAN_KIND.INTERNAL,
        attributes: {
          "http.request.method": "GET",
          "peer.service": "catalog",
          [RESILIENCE_ATTRIBUTES.shortCircuited]: true,
          [RESILIENCE_ATTRIBUTES.route]: route,
          "error.type": "short_circuited",
        },
        error: { type: "short_circuited", message: "every catalog breaker is open" },
        latency: LATENCY.tiny,
      }),
    );
    return loadgenRequest(gatewayCall, server, 503);
  }

  let outcome: { attempts: SpanNode[]; status: number };
  if (isCatalog) {
    const call: HttpCall =
      action === "browse"
        ? { method: "GET", path: "/products", route: "/products", status: 200 }
        : { method: "GET", path: `/products/${productId}`, route: "/products/:id", status: 200 };
    outcome = gatewayAttempts(
      route,
      call,
      () => instance("catalog-1"),
      (_to, isFailing) => {
        const server = serverSpan("catalog-1", { ...call, status: isFailing ? 500 : 200 }, LATENCY.catalogWork);
        server.children.push(cacheSpan(action === "browse" ? "products:all" : `product:${productId}`, random));
        return server;
      },
      random,
    );
  } else {
    const ordersInstance = () => instance(random() < RATES.ordersV2 ? "orders-v2-1" : "orders-v1-1");
    const call: HttpCall =
      action === "placeOrder"
        ? { method: "POST", path: "/orders", route: "/orders", status: 201 }
        : { method: "GET", path: `/orders/${orderId}`, route: "/orders/:id", status: 200 };
    outcome = gatewayAttempts(
      route,
      call,
      ordersInstance,
      (to) => (action === "placeOrder" ? placeOrder(to, random) : readOrder(to, call, random)),
      random,
    );
  }
  const gatewayServer = serverSpan("gateway-1", { ...gatewayCall, status: outcome.status }, LATENCY.gateway, {
    [RESILIENCE_ATTRIBUTES.route]: route,
  });
  gatewayServer.children.push(...outcome.attempts);
  return loadgenRequest(gatewayCall, gatewayServer, outcome.status);
}

function readOrder(to: DemoInstance, call: HttpCall, random: () => number): SpanNode {
  const id = to.instanceId as InstanceId;
  const dbError = random() < RATES.databaseError;
  const server = serverSpan(id, { ...call, status: dbError ? 500 : call.status }, LATENCY.ordersRead);
  server.children.push(databaseSpan(id, "SELECT", "orders", dbError));
  return server;
}

/** orders POST /orders: reserve at inventory, charge at payments (release when declined), store. */
function placeOrder(to: DemoInstance, random: () => number): SpanNode {
  const id = to.instanceId as InstanceId;
  const fails = random() < RATES.ordersError;
  const inventoryDbError = random() < RATES.databaseError;
  const declined = !inventoryDbError && random() < RATES.declined;
  const children: SpanNode[] = [];

  const reserveCall: HttpCall = { method: "POST", path: "/reserve", route: "/reserve", status: inventoryDbError ? 500 : 200 };
  const reserve = serverSpan("inventory-1", reserveCall, LATENCY.inventory);
  reserve.children.push(databaseSpan("inventory-1", "SELECT", "stock", false));
  reserve.children.push(databaseSpan("inventory-1", "UPDATE", "stock", inventoryDbError));
  children.push(attemptSpan(id, instance("inventory-1"), reserveCall, { attempt: 0, breakerState: "closed" }, reserve));

  let status = inventoryDbError ? 503 : fails ? 500 : 201;
  if (!inventoryDbError) {
    const payments = instance(random() < 0.5 ? "payments-1" : "payments-2");
    const chargeCall: HttpCall = { method: "POST", path: "/charge", route: "/charge", status: declined ? 402 : 200 };
    const charge = serverSpan(payments.instanceId as InstanceId, chargeCall, LATENCY.payments, {
      "demo.idempotency.replayed": false,
    });
    charge.children.push(
      node(payments.instanceId as InstanceId, {
        scope: SCOPE.demo,
        name: "POST card-network /authorize",
        kind: SPAN_KIND.CLIENT,
        attributes: {
          "peer.service": "card-network",
          "server.address": "card-network.example",
          "http.request.method": "POST",
          ...(declined ? { "demo.card.declined": true } : {}),
        },
        error: declined ? { type: "CardDeclined", message: "card declined by issuer" } : undefined,
        latency: LATENCY.cardNetwork,
      }),
    );
    const breakerState = random() < RATES.halfOpen ? "half_open" : "closed";
    const chargeAttempt = attemptSpan(id, payments, chargeCall, { attempt: 0, breakerState }, charge);
    children.push(chargeAttempt);
    if (declined) {
      status = 402;
      const releaseCall: HttpCall = { method: "POST", path: "/release", route: "/release", status: 200 };
      const release = serverSpan("inventory-1", releaseCall, LATENCY.inventory);
      release.children.push(databaseSpan("inventory-1", "UPDATE", "stock", false));
      children.push(attemptSpan(id, instance("inventory-1"), releaseCall, { attempt: 0, breakerState: "closed" }, release));
    } else if (!fails) {
      children.push(databaseSpan(id, "INSERT", "orders", false));
    }
  }
  const server = serverSpan(
    id,
    { method: "POST", path: "/orders", route: "/orders", status },
    to.version === "v2" ? LATENCY.ordersV2 : LATENCY.ordersV1,
  );
  server.children.push(...children);
  return server;
}

/**
 * A declined card (402) is an error on every span it travels back through, up to the
 * loadgen's (as in the topology fixtures); other 4xx answers are errors on client spans only.
 */
function markDeclinedAsErrors(span: SpanNode): void {
  if (span.error === undefined && span.attributes["http.response.status_code"] === 402) {
    span.error = { type: "CardDeclined", message: "payment declined" };
  }
  for (const child of span.children) markDeclinedAsErrors(child);
}

// --- templates -----------------------------------------------------------------------------------

type TimedSpan = {
  node: SpanNode;
  /** Index of this span in the template's flat list. */
  index: number;
  /** Indexes of its children in the flat list (pre-order). */
  children: number[];
  /** Byte offsets of the start and end fixed64 values, and of the exception event's time (or -1). */
  startOffset: number;
  endOffset: number;
  eventOffset: number;
};

export type RequestTemplate = {
  body: Buffer;
  spanCount: number;
  traceCount: number;
  /** Per trace: its root span's index in `spans`. */
  roots: number[];
  /** Byte offsets of every trace id and span id occurrence (the first 4 bytes get the counter). */
  idOffsets: Int32Array;
  spans: TimedSpan[];
  errorSpans: number;
  errorTraces: number;
};

/** Sentinel fixed64 times put in the template where the stamped times go (found by their bytes). */
const SENTINEL_HIGH = 0x0badc0de;
const SENTINEL_BASE = BigInt(SENTINEL_HIGH) << 32n;
const FIXED64_TAG = { spanStart: (7 << 3) | 1, spanEnd: (8 << 3) | 1, eventTime: (1 << 3) | 1 } as const;

function randomBytesFrom(random: () => number, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(random() * 256);
  return out;
}

/**
 * Offsets of the sentinel times (fixed64 fields whose high 32 bits are SENTINEL_HIGH) by
 * their low 32 bits, and of the ids (length-delimited 16-byte trace ids, 8-byte span and
 * parent span ids) by their hex: one pass over the body.
 */
function scanTemplate(body: Buffer, idHexes: ReadonlySet<string>): { times: Map<string, number>; ids: Map<string, number[]> } {
  const times = new Map<string, number>();
  const ids = new Map<string, number[]>();
  for (let at = 0; at + 9 <= body.length; at++) {
    const tag = body[at];
    if (
      (tag === FIXED64_TAG.spanStart || tag === FIXED64_TAG.spanEnd || tag === FIXED64_TAG.eventTime) &&
      body.readUInt32LE(at + 5) === SENTINEL_HIGH
    ) {
      const key = `${tag}:${body.readUInt32LE(at + 1)}`;
      if (times.has(key)) throw new Error(`template: time sentinel ${key} found twice`);
      times.set(key, at + 1);
    }
    const length = body[at + 1];
    if (((tag === 0x0a && length === 16) || ((tag === 0x12 || tag === 0x22) && length === 8)) && at + 2 + length <= body.length) {
      const hex = body.toString("hex", at + 2, at + 2 + length);
      if (idHexes.has(hex)) {
        const list = ids.get(hex) ?? [];
        ids.set(hex, list);
        list.push(at + 2);
      }
    }
  }
  return { times, ids };
}

/** One request of `targetSpans` spans or a little more: whole traces of the loadgen mix. */
export function buildTemplate(random: () => number, targetSpans = 500): RequestTemplate {
  const spans: TimedSpan[] = [];
  const roots: number[] = [];
  const ids: { traceId: Buffer; spanIds: Buffer[] }[] = [];
  const idSuffixes = new Set<string>();
  // Span ids keep their last 4 random bytes (the counter takes the first 4): unique per template.
  const newSpanId = () => {
    for (;;) {
      const id = randomBytesFrom(random, 8);
      const suffix = id.subarray(4).toString("hex");
      if (idSuffixes.has(suffix) || id.subarray(4).every((b) => b === 0)) continue;
      idSuffixes.add(suffix);
      return id;
    }
  };
  const bySpanIndex: { traceId: Buffer; spanId: Buffer; parentSpanId?: Buffer }[] = [];
  let errorTraces = 0;
  while (spans.length < targetSpans) {
    const root = buildTrace(random);
    markDeclinedAsErrors(root);
    if (root.error !== undefined) errorTraces++;
    const traceId = randomBytesFrom(random, 16);
    const trace = { traceId, spanIds: [] as Buffer[] };
    ids.push(trace);
    roots.push(spans.length);
    const visit = (span: SpanNode, parentSpanId: Buffer | undefined): number => {
      const index = spans.length;
      const spanId = newSpanId();
      trace.spanIds.push(spanId);
      const timed: TimedSpan = { node: span, index, children: [], startOffset: -1, endOffset: -1, eventOffset: -1 };
      spans.push(timed);
      bySpanIndex.push({ traceId, spanId, parentSpanId });
      for (const child of span.children) timed.children.push(visit(child, spanId));
      return index;
    };
    visit(root, undefined);
  }

  // Group by resource and scope, with sentinel times to find afterwards.
  const groups = new Map<number, Map<number, Record<string, unknown>[]>>();
  spans.forEach((timed, i) => {
    const { node: span } = timed;
    const { traceId, spanId, parentSpanId } = bySpanIndex[i];
    const sentinel = SENTINEL_BASE + BigInt(i) * 3n;
    const byScope = groups.get(span.instance) ?? new Map<number, Record<string, unknown>[]>();
    groups.set(span.instance, byScope);
    const list = byScope.get(span.scope) ?? [];
    byScope.set(span.scope, list);
    list.push({
      traceId,
      spanId,
      parentSpanId,
      name: span.name,
      kind: span.kind,
      startTimeUnixNano: sentinel.toString(),
      endTimeUnixNano: (sentinel + 1n).toString(),
      attributes: toAttributes(span.attributes),
      events:
        span.error === undefined
          ? []
          : [
              {
                timeUnixNano: (sentinel + 2n).toString(),
                name: "exception",
                attributes: toAttributes({ "exception.type": span.error.type, "exception.message": span.error.message }),
              },
            ],
      status: span.error === undefined ? { code: STATUS_CODE.UNSET } : { code: STATUS_CODE.ERROR, message: span.error.message },
      flags: 0x101,
    });
  });
  const resourceSpans = [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([instanceIndex, byScope]) => {
      const demo = DEMO_INSTANCES[instanceIndex];
      return {
        resource: {
          attributes: toAttributes({
            "service.name": demo.service,
            "service.version": demo.version,
            "service.instance.id": demo.instanceId,
            "deployment.environment.name": "demo",
            "host.name": `${demo.instanceId}.shop.internal`,
            "process.pid": 4100 + instanceIndex,
            "telemetry.sdk.name": "opentelemetry",
            "telemetry.sdk.language": "nodejs",
            "telemetry.sdk.version": "3.1.1",
          }),
        },
        scopeSpans: [...byScope.entries()]
          .sort(([a], [b]) => a - b)
          .map(([scope, list]) => ({ scope: SCOPES[scope], spans: list })),
      };
    });
  const encoded = ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject({ resourceSpans })).finish();
  const body = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);

  const idHexes = new Set([...ids.map((t) => t.traceId.toString("hex")), ...bySpanIndex.map((s) => s.spanId.toString("hex"))]);
  const scanned = scanTemplate(body, idHexes);
  const timeOffset = (tag: number, value: number) => {
    const offset = scanned.times.get(`${tag}:${value}`);
    if (offset === undefined) throw new Error(`template: time sentinel ${tag}:${value} not found`);
    return offset;
  };
  spans.forEach((timed, i) => {
    timed.startOffset = timeOffset(FIXED64_TAG.spanStart, i * 3);
    timed.endOffset = timeOffset(FIXED64_TAG.spanEnd, i * 3 + 1);
    if (timed.node.error !== undefined) timed.eventOffset = timeOffset(FIXED64_TAG.eventTime, i * 3 + 2);
  });
  const idOffsets: number[] = [];
  for (const trace of ids) {
    const found = scanned.ids.get(trace.traceId.toString("hex")) ?? [];
    if (found.length !== trace.spanIds.length)
      throw new Error(`template: trace id found ${found.length}×, not ${trace.spanIds.length}×`);
    idOffsets.push(...found);
  }
  bySpanIndex.forEach(({ spanId }, i) => {
    const found = scanned.ids.get(spanId.toString("hex")) ?? [];
    const expected = 1 + spans[i].node.children.length;
    if (found.length !== expected) throw new Error(`template: span id found ${found.length}×, not ${expected}×`);
    idOffsets.push(...found);
  });
  return {
    body,
    spanCount: spans.length,
    traceCount: roots.length,
    roots,
    idOffsets: Int32Array.from(idOffsets),
    spans,
    errorSpans: spans.filter((s) => s.node.error !== undefined).length,
    errorTraces,
  };
}

export function buildTemplates(count: number, seed: number, targetSpans = 500): RequestTemplate[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => buildTemplate(random, targetSpans));
}

// --- stamping ------------------------------------------------------------------------------------

const MS_NS = 1_000_000;

/**
 * A copy of `template` with ids carrying `counter` (1 … 2^32 − 1, unique per request), each
 * trace starting at a uniformly drawn point of [sliceStartNs, sliceStartNs + sliceNs), and
 * every span's times drawn afresh.
 */
export function stampRequest(
  template: RequestTemplate,
  counter: number,
  sliceStartNs: bigint,
  sliceNs: number,
  random: () => number,
): Buffer {
  const body = Buffer.from(template.body);
  const { idOffsets, spans } = template;
  for (let i = 0; i < idOffsets.length; i++) body.writeUInt32BE(counter, idOffsets[i]);
  // Offsets from the slice start in ns (doubles: exact to well beyond a day).
  const starts = new Float64Array(spans.length);
  const ends = new Float64Array(spans.length);
  const place = (index: number, startNs: number): number => {
    const timed = spans[index];
    const span = timed.node;
    const ownNs = sampleLatencyMs(span.latency, random) * MS_NS;
    let endNs: number;
    if (span.kind === SPAN_KIND.CLIENT && timed.children.length === 1) {
      // A remote call: half the network time each way around the server span.
      const childEnd = place(timed.children[0], startNs + ownNs / 2);
      endNs = span.timeoutMs === undefined ? childEnd + ownNs / 2 : startNs + span.timeoutMs * MS_NS;
    } else {
      // Own work split around calls made one after the other.
      let at = startNs + ownNs * 0.4;
      for (const child of timed.children) at = place(child, at) + sampleLatencyMs(LATENCY.tiny, random) * MS_NS;
      endNs = at + ownNs * 0.6;
    }
    starts[index] = Math.floor(startNs);
    ends[index] = Math.max(starts[index] + 1000, Math.floor(endNs));
    return ends[index];
  };
  for (const root of template.roots) place(root, Math.floor(random() * sliceNs));
  for (let i = 0; i < spans.length; i++) {
    const timed = spans[i];
    body.writeBigUInt64LE(sliceStartNs + BigInt(starts[i]), timed.startOffset);
    body.writeBigUInt64LE(sliceStartNs + BigInt(ends[i]), timed.endOffset);
    if (timed.eventOffset !== -1) body.writeBigUInt64LE(sliceStartNs + BigInt(ends[i]), timed.eventOffset);
  }
  return body;
}
