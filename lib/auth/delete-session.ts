import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import { hashSessionToken } from "./session-cookie";

/** Ends a session (sign-out); the username it belonged to, or undefined when there was none. */
export async function deleteSession(token: string, pool: pg.Pool = getPool()): Promise<string | undefined> {
  const { rows } = await pool.query<{ username: string }>(`DELETE FROM sessions WHERE token_hash = $1 RETURNING username`, [
    hashSessionToken(token),
  ]);
  return rows[0]?.username;
}
