import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import type { UserRole } from "@/lib/env";
import { getDummyPasswordHash, verifyPassword } from "./hash-password";

/**
 * The user whose name and password these are, or undefined. An unknown name costs one hash
 * like a wrong password does, so the answer time does not tell which names exist.
 */
export async function authenticateUser(
  username: string,
  password: string,
  pool: pg.Pool = getPool(),
): Promise<{ username: string; role: UserRole } | undefined> {
  const { rows } = await pool.query<{ username: string; role: UserRole; password_hash: string }>(
    `SELECT username, role, password_hash FROM users WHERE username = $1`,
    [username],
  );
  const user = rows[0];
  const matches = await verifyPassword(password, user?.password_hash ?? (await getDummyPasswordHash()));
  return user !== undefined && matches ? { username: user.username, role: user.role } : undefined;
}
