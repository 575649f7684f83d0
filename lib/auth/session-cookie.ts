import { createHash } from "node:crypto";

/**
 * The session cookie: a random token the browser holds (HttpOnly, SameSite=Strict, Path=/,
 * Secure over https). Only its SHA-256 is stored (sessions.token_hash), so a leaked copy of
 * the table cannot be replayed as a session.
 */

export const SESSION_COOKIE = "bw_session";

// 32 random bytes as base64url: 43 characters.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The session token from a Cookie header value, if it carries a well-formed one. */
export function parseSessionToken(cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0 || part.slice(0, separator).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(separator + 1).trim();
    if (TOKEN_SHAPE.test(value)) return value;
  }
  return undefined;
}

/** The session token of a request (its Cookie header). */
export function readSessionToken(request: Request): string | undefined {
  return parseSessionToken(request.headers.get("cookie"));
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** True when the browser reached us over https (directly or through a proxy that says so). */
export function isHttpsRequest(request: Request): boolean {
  const forwardedProto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (forwardedProto) return forwardedProto === "https";
  return new URL(request.url).protocol === "https:";
}

function cookieAttributes(request: Request): string {
  return `Path=/; HttpOnly; SameSite=Strict${isHttpsRequest(request) ? "; Secure" : ""}`;
}

/** Set-Cookie value that starts a session lasting `maxAgeMs`. */
export function sessionCookieHeader(request: Request, token: string, maxAgeMs: number): string {
  return `${SESSION_COOKIE}=${token}; Max-Age=${Math.floor(maxAgeMs / 1000)}; ${cookieAttributes(request)}`;
}

/** Set-Cookie value that removes the session cookie. */
export function clearedSessionCookieHeader(request: Request): string {
  return `${SESSION_COOKIE}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; ${cookieAttributes(request)}`;
}
