import type { HandlerInput } from "@/lib/http/route-handler";

/**
 * Errors of the control-plane API that lib/http/errors has no class for: 401 (with its
 * WWW-Authenticate challenge), 415 and 502. Handlers wrap their body in withControlErrors,
 * which writes these as application/problem+json in the same shape as createRouteHandler
 * does; every other error passes through to createRouteHandler's own mapping.
 */

export type ControlErrorCode = "UNAUTHORIZED" | "UNSUPPORTED_MEDIA_TYPE" | "BAD_GATEWAY";

export abstract class ControlHttpError extends Error {
  abstract readonly code: ControlErrorCode;
  abstract readonly status: number;
  /** Extra response headers, e.g. WWW-Authenticate. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(message: string, options?: { headers?: Record<string, string>; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.headers = options?.headers ?? {};
  }
}

/** No or a wrong machine token (401); `challenge` is the WWW-Authenticate value. */
export class UnauthorizedError extends ControlHttpError {
  readonly code = "UNAUTHORIZED";
  readonly status = 401;

  constructor(message: string, challenge: string) {
    super(message, { headers: { "www-authenticate": challenge } });
    this.name = "UnauthorizedError";
  }
}

/** The body is not in a media type the endpoint reads (415). */
export class UnsupportedMediaTypeError extends ControlHttpError {
  readonly code = "UNSUPPORTED_MEDIA_TYPE";
  readonly status = 415;

  constructor(message: string) {
    super(message);
    this.name = "UnsupportedMediaTypeError";
  }
}

/** An instance Breakwater forwarded a request to did not answer usefully (502). */
export class BadGatewayError extends ControlHttpError {
  readonly code = "BAD_GATEWAY";
  readonly status = 502;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BadGatewayError";
  }
}

const TITLES: Record<ControlErrorCode, string> = {
  UNAUTHORIZED: "Unauthorized",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported Media Type",
  BAD_GATEWAY: "Bad Gateway",
};

export function controlErrorResponse(error: ControlHttpError, requestId: string): Response {
  return Response.json(
    {
      type: "about:blank",
      title: TITLES[error.code],
      status: error.status,
      detail: error.message,
      code: error.code,
      requestId,
    },
    { status: error.status, headers: { ...error.headers, "content-type": "application/problem+json" } },
  );
}

/** Wraps a createRouteHandler `handle` so ControlHttpErrors become problem+json responses. */
export function withControlErrors<P, Q>(
  handle: (input: HandlerInput<P, Q>) => Promise<Response>,
): (input: HandlerInput<P, Q>) => Promise<Response> {
  return async (input) => {
    try {
      return await handle(input);
    } catch (error) {
      if (error instanceof ControlHttpError) return controlErrorResponse(error, input.requestId);
      throw error;
    }
  };
}
