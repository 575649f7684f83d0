import { randomBytes } from "node:crypto";
import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import type { UserRole } from "@/lib/env";
import { hashSessionToken } from "./session-cookie";

export type NewSession = {
  username: string;
  role: UserRole;
  ttlMs: number;
  /** Client address, for the audit trail. */
  source: string;
  userAgent?: string | null;
};

/**
 * Stores a session and returns its token (to go into the cookie; only its hash is stored).
 * Expired sessions are deleted on the way, so the table stays as small as the live sessions.
 */
export async function createSession(session: NewSession, pool: pg.Pool = getPool()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const { rows } = await pool.query<{ expires_at: Date }>(
    `WITH purged AS (DELETE FROM sessions WHERE expires_at <= now())
     INSERT INTO sessions (token_hash, username, role, created_at, expires_at, last_seen_at, source, user_agent)
     VALUES ($1, $2, $3, now(), now() + $4 * interval '1 millisecond', now(), $5, $6)
     RETURNING expires_at`,
    [
      hashSessionToken(token),
      session.username,
      session.role,
      session.ttlMs,
      session.source,
      session.userAgent?.slice(0, 512) ?? null,
    ],
  );
  return { token, expiresAt: rows[0].expires_at };
}
