import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isDatabaseUnavailable } from "@/lib/ingest/errors";
import { type ErrorCode, isHttpError, ValidationError } from "./errors";

/**
 * What Next.js passes as the second argument of a route handler (params is a Promise since
 * Next 15). For a route without dynamic segments the promise resolves to undefined.
 */
export type RouteContext = { params: Promise<Record<string, string | string[] | undefined> | undefined> };

/** Query-string parameters as an object: a repeated key (`tag=a&tag=b`) becomes an array. */
export type SearchParamsObject = Record<string, string | string[]>;

/** An error as the client is allowed to see it. */
export type PublicError = {
  status: number;
  code: ErrorCode | "UNAVAILABLE" | "INTERNAL";
  message: string;
  requestId: string;
  /** Headers the error requires, e.g. WWW-Authenticate on a 401. */
  headers?: Readonly<Record<string, string>>;
  /** Extension members of the problem body, e.g. `param` (400) or `current` (409). */
  extensions?: Readonly<Record<string, unknown>>;
};

/** Turns a public error into a response; the default writes application/problem+json (RFC 9457). */
export type ErrorResponder = (error: PublicError) => Response;

export type HandlerInput<P, Q> = {
  request: Request;
  url: URL;
  params: P;
  query: Q;
  requestId: string;
};

const REQUEST_ID_HEADER = "x-request-id";
// A caller-supplied request id is echoed only when it is short and plain, so logs stay parseable.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const emptyObject = z.object({});

// Prisma's own "cannot reach / timed out / connection closed" codes; pg-level ones are
// recognized by isDatabaseUnavailable.
const PRISMA_UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1017"]);
const UNAVAILABLE_RETRY_AFTER_S = 2;

function isUnavailable(error: unknown): boolean {
  if (isDatabaseUnavailable(error)) return true;
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === "string" && PRISMA_UNAVAILABLE_CODES.has(code)) return true;
  // Prisma wraps driver errors; look one level down.
  const cause = error instanceof Error ? error.cause : undefined;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}

/** RFC 9457 titles: the HTTP reason phrase of each code's status. */
const PROBLEM_TITLES: Record<PublicError["code"], string> = {
  VALIDATION_FAILED: "Bad Request",
  UNAUTHORIZED: "Unauthorized",
  FORBIDDEN: "Forbidden",
  NOT_FOUND: "Not Found",
  CONFLICT: "Conflict",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported Media Type",
  TOO_MANY_REQUESTS: "Too Many Requests",
  BAD_GATEWAY: "Bad Gateway",
  UNAVAILABLE: "Service Unavailable",
  INTERNAL: "Internal Server Error",
};

function problemResponder(error: PublicError): Response {
  return Response.json(
    {
      ...error.extensions,
      type: "about:blank",
      title: PROBLEM_TITLES[error.code],
      status: error.status,
      detail: error.message,
      code: error.code,
      requestId: error.requestId,
    },
    { status: error.status, headers: { ...error.headers, "content-type": "application/problem+json" } },
  );
}

export function searchParamsToObject(searchParams: URLSearchParams): SearchParamsObject {
  const result: SearchParamsObject = {};
  for (const [key, value] of searchParams) {
    const existing = result[key];
    if (existing === undefined) result[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[key] = [existing, value];
  }
  return result;
}

/**
 * One message naming the parameter, e.g. "parameter 'service' is required" or
 * "unable to parse param 'limit': expected an integer". `input` is what was parsed: zod 4
 * leaves the offending value out of its issues, so absence is checked there.
 */
export function formatZodError(error: z.ZodError, input: unknown): ValidationError {
  const issue = error.issues[0];
  if (issue === undefined) return new ValidationError("invalid request");
  if (issue.path.length === 0) return new ValidationError(issue.message);
  const param = issue.path.map(String).join(".");
  let value: unknown = input;
  for (const key of issue.path) {
    value = typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  const missing = value === undefined || value === "";
  const message =
    missing && issue.code === "invalid_type"
      ? `parameter '${param}' is required`
      : `unable to parse param '${param}': ${issue.message}`;
  return new ValidationError(message, { param });
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw formatZodError(result.error, input);
  return result.data;
}

/**
 * The one wrapper for route handlers: validates route params and the query string with zod,
 * tags the request with an id (echoed in `x-request-id`), and maps errors in one place —
 * typed errors (lib/http/errors) to their status and message, an unreachable database to a
 * 503 with Retry-After, anything else to a 500 whose details are logged, never returned.
 */
export function createRouteHandler<
  PS extends z.ZodType = typeof emptyObject,
  QS extends z.ZodType = typeof emptyObject,
>(options: {
  /** Log label, e.g. "GET /api/traces/[traceId]". */
  name: string;
  params?: PS;
  query?: QS;
  /** How errors are written; defaults to application/problem+json. */
  respondError?: ErrorResponder;
  handle: (input: HandlerInput<z.output<PS>, z.output<QS>>) => Promise<Response> | Response;
}): (request: Request, context?: RouteContext) => Promise<Response> {
  const respondError = options.respondError ?? problemResponder;
  // The defaults are only used when the caller gave no schema, i.e. when PS/QS are the defaults.
  const paramsSchema = (options.params ?? emptyObject) as PS;
  const querySchema = (options.query ?? emptyObject) as QS;

  return async (request, context) => {
    const incomingId = request.headers.get(REQUEST_ID_HEADER);
    const requestId = incomingId !== null && SAFE_REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    let response: Response;
    try {
      const url = new URL(request.url);
      const rawParams = (context === undefined ? undefined : await context.params) ?? {};
      const params = parseWith(paramsSchema, rawParams);
      const query = parseWith(querySchema, searchParamsToObject(url.searchParams));
      response = await options.handle({ request, url, params, query, requestId });
    } catch (error) {
      if (isHttpError(error)) {
        response = respondError({
          status: error.status,
          code: error.code,
          message: error.message,
          requestId,
          headers: error.headers,
          extensions: error.extensions,
        });
      } else if (isUnavailable(error)) {
        console.error(`[api] ${options.name} request ${requestId}: database unavailable:`, error);
        response = respondError({ status: 503, code: "UNAVAILABLE", message: "database unavailable, retry shortly", requestId });
        response.headers.set("retry-after", String(UNAVAILABLE_RETRY_AFTER_S));
      } else {
        console.error(`[api] ${options.name} request ${requestId} failed:`, error);
        response = respondError({ status: 500, code: "INTERNAL", message: "internal error", requestId });
      }
    }
    response.headers.set(REQUEST_ID_HEADER, requestId);
    if (!response.headers.has("cache-control")) response.headers.set("cache-control", "no-store");
    return response;
  };
}
