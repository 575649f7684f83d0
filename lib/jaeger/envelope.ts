import type { PublicError } from "@/lib/http/route-handler";
import type { JaegerEnvelope, JaegerError } from "./types";

/** A successful Jaeger API answer: `{data, total, limit: 0, offset: 0, errors}`. */
export function jaegerResponse<T>(data: T, options: { total?: number; errors?: JaegerError[] } = {}): Response {
  const body: JaegerEnvelope<T> = {
    data,
    total: options.total ?? (Array.isArray(data) ? data.length : 0),
    limit: 0,
    offset: 0,
    errors: options.errors !== undefined && options.errors.length > 0 ? options.errors : null,
  };
  return Response.json(body);
}

/**
 * Errors in Jaeger's own envelope (`data: null`, one `{code, msg}` entry) with the HTTP status,
 * as jaeger-query's handleError writes them; used as the route wrapper's error responder.
 */
export function jaegerErrorResponder(error: PublicError): Response {
  const body: JaegerEnvelope<null> = {
    data: null,
    total: 0,
    limit: 0,
    offset: 0,
    errors: [{ code: error.status, msg: error.message }],
  };
  return Response.json(body, { status: error.status });
}
