import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { findSession, type SessionUser } from "./find-session";
import { parseSessionToken, SESSION_COOKIE } from "./session-cookie";

/**
 * The signed-in user of the page being rendered (server components), looked up in the
 * sessions table; undefined without a live session. Cached per request.
 */
export const getPageUser = cache(async (): Promise<SessionUser | undefined> => {
  const token = parseSessionToken(`${SESSION_COOKIE}=${(await cookies()).get(SESSION_COOKIE)?.value ?? ""}`);
  return token === undefined ? undefined : findSession(token);
});
