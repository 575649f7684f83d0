import { SPAN_KIND, type SpanKind } from "@/lib/otlp/model";

/** Span kinds by the names Jaeger (and OpenTracing's span.kind tag) use; "" = unspecified. */
export const SPAN_KIND_NAMES = ["", "internal", "server", "client", "producer", "consumer"] as const;
export type SpanKindName = (typeof SPAN_KIND_NAMES)[number];

export const SPAN_KIND_NAME: Record<SpanKind, SpanKindName> = {
  [SPAN_KIND.UNSPECIFIED]: "",
  [SPAN_KIND.INTERNAL]: "internal",
  [SPAN_KIND.SERVER]: "server",
  [SPAN_KIND.CLIENT]: "client",
  [SPAN_KIND.PRODUCER]: "producer",
  [SPAN_KIND.CONSUMER]: "consumer",
};

export const SPAN_KIND_BY_NAME: Record<SpanKindName, SpanKind> = {
  "": SPAN_KIND.UNSPECIFIED,
  internal: SPAN_KIND.INTERNAL,
  server: SPAN_KIND.SERVER,
  client: SPAN_KIND.CLIENT,
  producer: SPAN_KIND.PRODUCER,
  consumer: SPAN_KIND.CONSUMER,
};

/** The Jaeger name of a stored kind; unknown numbers read as unspecified. */
export function spanKindName(kind: number): SpanKindName {
  return SPAN_KIND_NAME[kind as SpanKind] ?? "";
}
