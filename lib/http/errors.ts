/**
 * Typed errors that route handlers (through lib/http/route-handler) translate into HTTP
 * responses in one place. Only these carry a message meant for the client; any other
 * error becomes a 500 whose details are logged, never returned.
 */

export type ErrorCode =
  | "VALIDATION_FAILED"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "TOO_MANY_REQUESTS"
  | "BAD_GATEWAY";

export abstract class HttpError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly status: number;
  /** Extra response headers, e.g. WWW-Authenticate on a 401. */
  readonly headers: Readonly<Record<string, string>> = {};
  /**
   * Extra members of the problem+json body (RFC 9457 extension members), e.g. `param` on a
   * 400 or the current state on a 409. Never internals: everything here reaches the client.
   */
  get extensions(): Readonly<Record<string, unknown>> {
    return {};
  }
}

/** The request is malformed: a parameter is missing, of the wrong type or out of range (400). */
export class ValidationError extends HttpError {
  readonly code = "VALIDATION_FAILED";
  readonly status = 400;
  /** The parameter at fault, when there is one (e.g. "minDuration"). */
  readonly param?: string;

  constructor(message: string, options?: { param?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ValidationError";
    this.param = options?.param;
  }

  override get extensions(): Readonly<Record<string, unknown>> {
    return this.param === undefined ? {} : { param: this.param };
  }
}

/** The addressed thing does not exist (404). */
export class NotFoundError extends HttpError {
  readonly code = "NOT_FOUND";
  readonly status = 404;

  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

/**
 * The request conflicts with the current state, e.g. a stale version number (409). `current`
 * (when given) is the state as it is now, returned as the problem body's `current` member so
 * the client can show it and retry without losing its edit.
 */
export class ConflictError extends HttpError {
  readonly code = "CONFLICT";
  readonly status = 409;
  readonly current?: unknown;

  constructor(message: string, options?: { current?: unknown }) {
    super(message);
    this.name = "ConflictError";
    this.current = options?.current;
  }

  override get extensions(): Readonly<Record<string, unknown>> {
    return this.current === undefined ? {} : { current: this.current };
  }
}

/**
 * Authenticated but not allowed (403): the wrong role (a viewer changing weights), or a
 * cross-site state-changing request (Origin / Sec-Fetch-Site).
 */
export class ForbiddenError extends HttpError {
  readonly code = "FORBIDDEN";
  readonly status = 403;

  constructor(message: string) {
    super(message);
    this.name = "ForbiddenError";
  }
}

/** No or a wrong machine token or session (401); `challenge` is the WWW-Authenticate value. */
export class UnauthorizedError extends HttpError {
  readonly code = "UNAUTHORIZED";
  readonly status = 401;
  override readonly headers: Readonly<Record<string, string>>;

  constructor(message: string, challenge: string) {
    super(message);
    this.name = "UnauthorizedError";
    this.headers = { "www-authenticate": challenge };
  }
}

/** The body is not in a media type the endpoint reads (415). */
export class UnsupportedMediaTypeError extends HttpError {
  readonly code = "UNSUPPORTED_MEDIA_TYPE";
  readonly status = 415;

  constructor(message: string) {
    super(message);
    this.name = "UnsupportedMediaTypeError";
  }
}

/** Too many attempts, e.g. failed sign-ins (429); Retry-After says when to try again. */
export class TooManyRequestsError extends HttpError {
  readonly code = "TOO_MANY_REQUESTS";
  readonly status = 429;
  override readonly headers: Readonly<Record<string, string>>;

  constructor(message: string, retryAfterS: number) {
    super(message);
    this.name = "TooManyRequestsError";
    this.headers = { "retry-after": String(Math.max(1, Math.ceil(retryAfterS))) };
  }
}

/** Something Breakwater forwarded a request to (an instance's admin endpoint) did not answer usefully (502). */
export class BadGatewayError extends HttpError {
  readonly code = "BAD_GATEWAY";
  readonly status = 502;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "BadGatewayError";
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}
