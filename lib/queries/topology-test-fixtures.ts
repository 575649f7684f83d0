/**
 * The demo shop's call graph as OTLP/JSON export requests, one per service, for the topology
 * tests (integration and e2e). Durations and errors are chosen so every expected number can
 * be worked out by hand (see get-topology.integration.test.ts):
 *
 *   loadgen → gateway → catalog                                   10 "browse" traces
 *   loadgen → gateway → orders → inventory → postgresql (db span)  10 "order" traces
 *                               orders → payments → card-network   (virtual: peer.service, no child)
 *
 * Order trace 0 fails at the database (inventory's db span, its server span and orders'
 * call to it are errors; orders recovers). Order traces 1 and 2 are declined by the card
 * network: the error travels back up every span to loadgen.
 */
import { randomBytes } from "node:crypto";

type JsonValue = { stringValue: string };
type JsonSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: JsonValue }[];
  status: { code: number };
};

export type OtlpJsonRequest = {
  resourceSpans: {
    resource: { attributes: { key: string; value: JsonValue }[] };
    scopeSpans: { scope: { name: string }; spans: JsonSpan[] }[];
  }[];
};

const KIND = { server: 2, client: 3 } as const;
const STATUS = { ok: 1, error: 2 } as const;

export const DEMO_SERVICES = ["loadgen", "gateway", "catalog", "orders", "inventory", "payments"] as const;
export const DEMO_TRACE_COUNT = { browse: 10, order: 10 } as const;

const hexId = (bytes: number) => randomBytes(bytes).toString("hex");

/**
 * Every span of the demo shape, grouped by service, starting at `startMs` (all within 1 s,
 * so inside one minute when `startMs` is early enough in it). `prefix` goes before every
 * service and peer.service name (not the database system's), so tests sharing a database
 * can tell their graph apart.
 */
export function demoShapeRequests(startMs: number, prefix = ""): OtlpJsonRequest[] {
  const byService = new Map<string, JsonSpan[]>();
  const add = (
    serviceName: string,
    fields: {
      traceId: string;
      spanId?: string;
      parentSpanId?: string;
      name: string;
      kind: number;
      offsetMs: number;
      durationMs: number;
      isError?: boolean;
      attributes?: Record<string, string>;
    },
  ): string => {
    const service = `${prefix}${serviceName}`;
    const attributes = { ...fields.attributes };
    if (attributes["peer.service"] !== undefined) attributes["peer.service"] = `${prefix}${attributes["peer.service"]}`;
    const spanId = fields.spanId ?? hexId(8);
    const startNs = BigInt(startMs + fields.offsetMs) * 1_000_000n;
    const span: JsonSpan = {
      traceId: fields.traceId,
      spanId,
      ...(fields.parentSpanId === undefined ? {} : { parentSpanId: fields.parentSpanId }),
      name: fields.name,
      kind: fields.kind,
      startTimeUnixNano: startNs.toString(),
      endTimeUnixNano: (startNs + BigInt(fields.durationMs) * 1_000_000n).toString(),
      attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } })),
      status: { code: fields.isError === true ? STATUS.error : STATUS.ok },
    };
    byService.set(service, [...(byService.get(service) ?? []), span]);
    return spanId;
  };

  for (let i = 0; i < DEMO_TRACE_COUNT.browse; i++) {
    const traceId = hexId(16);
    const offsetMs = i * 20;
    const root = add("loadgen", { traceId, name: "GET /products", kind: KIND.client, offsetMs, durationMs: 20 + i });
    const server = add("gateway", {
      traceId,
      parentSpanId: root,
      name: "GET /products",
      kind: KIND.server,
      offsetMs,
      durationMs: 18 + i,
    });
    const call = add("gateway", {
      traceId,
      parentSpanId: server,
      name: "GET catalog",
      kind: KIND.client,
      offsetMs,
      durationMs: 10 + i,
    });
    add("catalog", { traceId, parentSpanId: call, name: "GET /products", kind: KIND.server, offsetMs, durationMs: 8 + i });
  }

  for (let i = 0; i < DEMO_TRACE_COUNT.order; i++) {
    const traceId = hexId(16);
    const offsetMs = 300 + i * 40;
    const isDbError = i === 0;
    const isDeclined = i === 1 || i === 2;
    const root = add("loadgen", {
      traceId,
      name: "POST /orders",
      kind: KIND.client,
      offsetMs,
      durationMs: 100 + i,
      isError: isDeclined,
    });
    const gatewayServer = add("gateway", {
      traceId,
      parentSpanId: root,
      name: "POST /orders",
      kind: KIND.server,
      offsetMs,
      durationMs: 98 + i,
      isError: isDeclined,
    });
    const toOrders = add("gateway", {
      traceId,
      parentSpanId: gatewayServer,
      name: "POST orders",
      kind: KIND.client,
      offsetMs,
      durationMs: 90 + i,
      isError: isDeclined,
      attributes: { "peer.service": "orders", "server.address": "orders.internal" },
    });
    const ordersServer = add("orders", {
      traceId,
      parentSpanId: toOrders,
      name: "POST /orders",
      kind: KIND.server,
      offsetMs,
      durationMs: 85 + i,
      isError: isDeclined,
    });
    const toInventory = add("orders", {
      traceId,
      parentSpanId: ordersServer,
      name: "POST inventory",
      kind: KIND.client,
      offsetMs,
      durationMs: 30 + i,
      isError: isDbError,
    });
    const inventoryServer = add("inventory", {
      traceId,
      parentSpanId: toInventory,
      name: "POST /reserve",
      kind: KIND.server,
      offsetMs,
      durationMs: 25 + i,
      isError: isDbError,
    });
    add("inventory", {
      traceId,
      parentSpanId: inventoryServer,
      name: "UPDATE stock",
      kind: KIND.client,
      offsetMs,
      durationMs: 5 + i,
      isError: isDbError,
      attributes: { "db.system.name": "postgresql", "db.operation.name": "UPDATE" },
    });
    const toPayments = add("orders", {
      traceId,
      parentSpanId: ordersServer,
      name: "POST payments",
      kind: KIND.client,
      offsetMs: offsetMs + 35,
      durationMs: 40 + i,
      isError: isDeclined,
    });
    const paymentsServer = add("payments", {
      traceId,
      parentSpanId: toPayments,
      name: "POST /charge",
      kind: KIND.server,
      offsetMs: offsetMs + 35,
      durationMs: 38 + i,
      isError: isDeclined,
    });
    add("payments", {
      traceId,
      parentSpanId: paymentsServer,
      name: "POST card-network /authorize",
      kind: KIND.client,
      offsetMs: offsetMs + 36,
      durationMs: 35 + i,
      isError: isDeclined,
      attributes: { "peer.service": "card-network", "server.address": "card-network.example" },
    });
  }

  return [...byService].map(([service, spans]) => ({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: "breakwater-topology-test" }, spans }],
      },
    ],
  }));
}
