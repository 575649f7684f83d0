import { randomBytes } from "node:crypto";

/** Builds OTLP/JSON trace requests (the protobuf JSON mapping: hex ids, nanosecond strings). */

type JsonSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  status?: { code: number };
};

export type ServiceSpans = { service: string; spans: JsonSpan[] };

export const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;

export const newTraceId = () => randomBytes(16).toString("hex");
export const newSpanId = () => randomBytes(8).toString("hex");

/** A span that started `agoMs` ago and lasted `durationMs`. */
export function span(fields: {
  traceId: string;
  spanId?: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  agoMs?: number;
  durationMs?: number;
}): JsonSpan {
  const startNs = (BigInt(Date.now()) - BigInt(fields.agoMs ?? 50)) * 1_000_000n;
  const endNs = startNs + BigInt(fields.durationMs ?? 20) * 1_000_000n;
  return {
    traceId: fields.traceId,
    spanId: fields.spanId ?? newSpanId(),
    ...(fields.parentSpanId ? { parentSpanId: fields.parentSpanId } : {}),
    name: fields.name,
    kind: fields.kind,
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: endNs.toString(),
    status: { code: 1 },
  };
}

export function traceRequest(groups: ServiceSpans[]) {
  return {
    resourceSpans: groups.map((group) => ({
      resource: { attributes: [{ key: "service.name", value: { stringValue: group.service } }] },
      scopeSpans: [{ scope: { name: "breakwater-e2e" }, spans: group.spans }],
    })),
  };
}

/** POSTs an OTLP/JSON request to `<baseUrl>/v1/traces`; throws unless the server accepted every span. */
export async function postTraces(baseUrl: string, groups: ServiceSpans[]): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(traceRequest(groups)),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST ${baseUrl}/v1/traces → ${response.status}: ${text}`);
  const body = JSON.parse(text || "{}") as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
  if (Number(body.partialSuccess?.rejectedSpans ?? 0) > 0) {
    throw new Error(`spans rejected: ${JSON.stringify(body.partialSuccess)}`);
  }
}

/** One request through a storefront → checkout call: 2 storefront spans, 3 checkout spans. */
export function storefrontCheckoutTrace(): ServiceSpans[] {
  const traceId = newTraceId();
  const root = newSpanId();
  const client = newSpanId();
  const server = newSpanId();
  return [
    {
      service: "storefront",
      spans: [
        span({ traceId, spanId: root, name: "GET /cart", kind: SPAN_KIND.server, durationMs: 40 }),
        span({ traceId, spanId: client, parentSpanId: root, name: "POST checkout", kind: SPAN_KIND.client, durationMs: 30 }),
      ],
    },
    {
      service: "checkout",
      spans: [
        span({ traceId, spanId: server, parentSpanId: client, name: "POST /checkout", kind: SPAN_KIND.server, durationMs: 25 }),
        span({ traceId, parentSpanId: server, name: "price cart", kind: SPAN_KIND.internal, durationMs: 5 }),
        span({ traceId, parentSpanId: server, name: "reserve stock", kind: SPAN_KIND.internal, durationMs: 8 }),
      ],
    },
  ];
}
