import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

/**
 * A CLIENT span for a call to a peer that is not instrumented itself (a cache, a card
 * network, an in-memory store standing in for a database). Attributes such as peer.service,
 * server.address and db.system let Breakwater draw the peer as a virtual node.
 */

const tracer = trace.getTracer("breakwater-demo");

export async function withClientSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : new Error(String(error)));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
