/**
 * The body of an OTLP export request could not be decoded: not protobuf, not JSON, or JSON
 * of the wrong shape. Receivers answer HTTP 400 / gRPC INVALID_ARGUMENT; the message says
 * what was wrong (for JSON, the path and the expected type) and is safe to return.
 */
export class OtlpDecodeError extends Error {
  readonly code = "OTLP_DECODE_ERROR";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OtlpDecodeError";
  }
}
