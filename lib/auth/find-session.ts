import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import type { UserRole } from "@/lib/env";
import { hashSessionToken } from "./session-cookie";

export type SessionUser = { username: string; role: UserRole; expiresAt: Date };

/**
 * The signed-in user behind a session token, or undefined when the token is unknown or
 * expired. The role is the user's current one (users table), so a role taken away in the
 * configuration applies to sessions that already exist. Read-only: a GET that checks a
 * session changes nothing.
 */
export async function findSession(token: string, pool: pg.Pool = getPool()): Promise<SessionUser | undefined> {
  const { rows } = await pool.query<{ username: string; role: UserRole; expires_at: Date }>(
    `SELECT u.username, u.role, s.expires_at
       FROM sessions s JOIN users u ON u.username = s.username
      WHERE s.token_hash = $1 AND s.expires_at > now()`,
    [hashSessionToken(token)],
  );
  const row = rows[0];
  return row === undefined ? undefined : { username: row.username, role: row.role, expiresAt: row.expires_at };
}
