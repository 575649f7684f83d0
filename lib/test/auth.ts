/**
 * Sessions for tests that call route handlers: a user row plus a live session, and the
 * headers a same-origin browser request carries. Used by tests only.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { createSession } from "@/lib/auth/create-session";
import { hashPassword } from "@/lib/auth/hash-password";
import { hashSessionToken, SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { getPool } from "@/lib/db/pool";
import type { UserRole } from "@/lib/env";

/**
 * Ensures user `username` exists with `role` and signs it in. Returns the Cookie header value
 * ("bw_session=…") to send with requests. `ttlMs` (default 1 h) may be negative: an expired session.
 */
export async function createTestSession(
  user: { username: string; role: UserRole; ttlMs?: number },
  pool: pg.Pool = getPool(),
): Promise<{ cookie: string; token: string }> {
  await pool.query(
    `INSERT INTO users (username, role, password_hash, source, created_at, updated_at)
     VALUES ($1, $2, $3, 'config', now(), now())
     ON CONFLICT (username) DO UPDATE SET role = EXCLUDED.role, updated_at = now()`,
    [user.username, user.role, await hashPassword(randomBytes(12).toString("hex"))],
  );
  const ttlMs = user.ttlMs ?? 3_600_000;
  const { token } = await createSession(
    { username: user.username, role: user.role, ttlMs: Math.max(ttlMs, 1), source: "test" },
    pool,
  );
  if (ttlMs <= 0) {
    await pool.query(`UPDATE sessions SET expires_at = now() + $2 * interval '1 millisecond' WHERE token_hash = $1`, [
      hashSessionToken(token),
      ttlMs,
    ]);
  }
  return { cookie: `${SESSION_COOKIE}=${token}`, token };
}

/** Headers of a same-origin browser request to `url`: Origin and Sec-Fetch-Site. */
export function sameOriginHeaders(url: string): Record<string, string> {
  return { origin: new URL(url).origin, "sec-fetch-site": "same-origin" };
}
