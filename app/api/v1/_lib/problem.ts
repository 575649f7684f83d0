/**
 * Maps an error thrown by a JSON API handler to RFC 9457 problem details. Internals are
 * logged by the caller, never returned: the body says what kind of failure it was and
 * carries the request id to look up in the server log.
 */

export type Problem = { status: number; title: string; detail: string };

/**
 * Codes that mean "the database is not there": Node socket errors (raw pg queries) and
 * Prisma's connection errors (P1001 can't reach, P1002 timed out, P1017 connection closed).
 */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN", "P1001", "P1002", "P1017"]);
const UNAVAILABLE_SQLSTATE = /^(08|57P)/; // connection exceptions; admin shutdown / cannot connect now

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  // net.connect with several addresses (::1 and 127.0.0.1) rejects with an AggregateError.
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  return undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && (UNREACHABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code));
}

export function toProblem(error: unknown, requestId: string): Problem {
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      title: "Database unavailable",
      detail: `The database is not reachable right now. (request ${requestId})`,
    };
  }
  return {
    status: 500,
    title: "Internal server error",
    detail: `The server could not complete this request; details are in its log under request ${requestId}.`,
  };
}
