/**
 * The per-span input of the rollups: what the batch writer hands over for every span that
 * became a new row (never for a duplicate delivery, or it would be counted twice). Small on
 * purpose, so the fast ingest path can fill it from the columns it already decodes; the
 * general path uses summarizeSpan.
 */
import { SPAN_KIND, type Attributes, type NormalizedSpan, type SpanKind, type StatusCode } from "@/lib/otlp/model";

/** What a CLIENT/PRODUCER span says about the peer it called (semantic-convention attributes). */
export type PeerAttributes = {
  /** `peer.service`: the logical name of the remote service. */
  peerService?: string;
  /** `server.address` (or the older `net.peer.name`). */
  serverAddress?: string;
  /** `db.system.name` (current semconv, written by instrumentation-pg) or `db.system`. */
  dbSystem?: string;
  /** `messaging.system` (also read on CONSUMER spans: see compute-rollups). */
  messagingSystem?: string;
};

export type SpanSummary = {
  /** 32 lowercase hex chars. */
  traceId: string;
  /** 16 lowercase hex chars. */
  spanId: string;
  parentSpanId: string | undefined;
  serviceName: string;
  /** The span name: the operation of the service rollup. */
  name: string;
  kind: SpanKind;
  statusCode: StatusCode;
  /** Start, µs since the Unix epoch (floor), as the writer's spanStartMicros. */
  startUs: number;
  /** Duration in ns (a double: exact up to 104 days). */
  durationNs: number;
  /** Set for CLIENT, PRODUCER and CONSUMER spans that carry any of the peer attributes. */
  peer: PeerAttributes | undefined;
};

export const PEER_ATTRIBUTE_KEYS = {
  peerService: "peer.service",
  serverAddress: "server.address",
  netPeerName: "net.peer.name",
  dbSystemName: "db.system.name",
  dbSystem: "db.system",
  messagingSystem: "messaging.system",
} as const;

function text(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** The peer attributes of a span of `kind`, or undefined when it has none that matter. */
export function peerAttributesOf(kind: SpanKind, attributes: Attributes | undefined): PeerAttributes | undefined {
  if (attributes === undefined) return undefined;
  if (kind === SPAN_KIND.CONSUMER) {
    const messagingSystem = text(attributes, PEER_ATTRIBUTE_KEYS.messagingSystem);
    return messagingSystem === undefined ? undefined : { messagingSystem };
  }
  if (kind !== SPAN_KIND.CLIENT && kind !== SPAN_KIND.PRODUCER) return undefined;
  const peer: PeerAttributes = {};
  const peerService = text(attributes, PEER_ATTRIBUTE_KEYS.peerService);
  const serverAddress = text(attributes, PEER_ATTRIBUTE_KEYS.serverAddress) ?? text(attributes, PEER_ATTRIBUTE_KEYS.netPeerName);
  const dbSystem = text(attributes, PEER_ATTRIBUTE_KEYS.dbSystemName) ?? text(attributes, PEER_ATTRIBUTE_KEYS.dbSystem);
  const messagingSystem = text(attributes, PEER_ATTRIBUTE_KEYS.messagingSystem);
  if (peerService !== undefined) peer.peerService = peerService;
  if (serverAddress !== undefined) peer.serverAddress = serverAddress;
  if (dbSystem !== undefined) peer.dbSystem = dbSystem;
  if (messagingSystem !== undefined) peer.messagingSystem = messagingSystem;
  return Object.keys(peer).length === 0 ? undefined : peer;
}

/** µs since the epoch, floored (pre-1970 times stay ordered). */
function startMicros(startTimeUnixNano: bigint): number {
  let micros = startTimeUnixNano / 1000n;
  if (startTimeUnixNano < 0n && micros * 1000n !== startTimeUnixNano) micros -= 1n;
  return Number(micros);
}

/** The rollup input of a normalized span (the general ingest path). */
export function summarizeSpan(span: NormalizedSpan): SpanSummary {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    serviceName: span.serviceName,
    name: span.name,
    kind: span.kind,
    statusCode: span.statusCode,
    startUs: startMicros(span.startTimeUnixNano),
    durationNs: Number(span.durationNs),
    peer: peerAttributesOf(span.kind, span.attributes),
  };
}
