import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { ConfiguredUser } from "@/lib/env";
import { hashPassword, hasCurrentParameters, isPasswordHash, verifyPassword } from "./hash-password";

/**
 * Makes the users table match BREAKWATER_USERS at start-up, and makes sure someone can
 * operate: when no operator is configured, an "admin" operator gets a random password that
 * is returned (to be printed) only when it is created, and stored only as a hash.
 */

export const GENERATED_ADMIN = "admin";

export type UserSyncResult = {
  /** created: generated now (password set); existing: generated on an earlier start; none: an operator is configured. */
  admin: "created" | "existing" | "none";
  /** The generated admin's password, only when it was created by this call. */
  password?: string;
  /** Users inserted or whose role/password changed (their sessions ended). */
  changed: string[];
  /** Users no longer configured, deleted with their sessions. */
  removed: string[];
  /** Users whose unchanged password was hashed again with the current parameters (sessions kept). */
  rehashed: string[];
};

// Serializes start-ups of several processes on one database (two `ui` replicas).
const SYNC_LOCK_KEY = 0x6277_7573; // "bwus"

async function isCurrent(user: ConfiguredUser, row: { role: string; password_hash: string; source: string } | undefined) {
  if (row === undefined || row.source !== "config" || row.role !== user.role) return false;
  return isPasswordHash(user.secret) ? row.password_hash === user.secret : verifyPassword(user.secret, row.password_hash);
}

export async function syncUsers(users: readonly ConfiguredUser[], pool: pg.Pool): Promise<UserSyncResult> {
  const client = await pool.connect();
  const result: UserSyncResult = { admin: "none", changed: [], removed: [], rehashed: [] };
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [SYNC_LOCK_KEY]);
    const { rows } = await client.query<{ username: string; role: string; password_hash: string; source: string }>(
      "SELECT username, role, password_hash, source FROM users",
    );
    const existing = new Map(rows.map((row) => [row.username, row]));

    for (const user of users) {
      const row = existing.get(user.username);
      if (await isCurrent(user, row)) {
        if (row !== undefined && !isPasswordHash(user.secret) && !hasCurrentParameters(row.password_hash)) {
          await client.query("UPDATE users SET password_hash = $2, updated_at = now() WHERE username = $1", [
            user.username,
            await hashPassword(user.secret),
          ]);
          result.rehashed.push(user.username);
        }
        continue;
      }
      const hash = isPasswordHash(user.secret) ? user.secret : await hashPassword(user.secret);
      await client.query(
        `INSERT INTO users (username, role, password_hash, source, created_at, updated_at)
         VALUES ($1, $2, $3, 'config', now(), now())
         ON CONFLICT (username) DO UPDATE
           SET role = EXCLUDED.role, password_hash = EXCLUDED.password_hash, source = 'config', updated_at = now()`,
        [user.username, user.role, hash],
      );
      // New credentials or a new role end the sessions signed in with the old ones.
      await client.query("DELETE FROM sessions WHERE username = $1", [user.username]);
      result.changed.push(user.username);
    }

    const configured = new Set(users.map((user) => user.username));
    const hasOperator = users.some((user) => user.role === "operator");
    for (const row of rows) {
      if (configured.has(row.username)) continue;
      // Users dropped from the configuration go; so does the generated admin once an operator is configured.
      const isStale = row.source === "config" || (row.source === "generated" && hasOperator);
      if (!isStale) continue;
      await client.query("DELETE FROM sessions WHERE username = $1", [row.username]);
      await client.query("DELETE FROM users WHERE username = $1", [row.username]);
      result.removed.push(row.username);
    }

    if (!hasOperator) {
      const admin = existing.get(GENERATED_ADMIN);
      if (admin?.source === "generated") {
        result.admin = "existing";
      } else if (admin === undefined || !configured.has(GENERATED_ADMIN)) {
        const password = randomBytes(18).toString("base64url");
        await client.query(
          `INSERT INTO users (username, role, password_hash, source, created_at, updated_at)
           VALUES ($1, 'operator', $2, 'generated', now(), now())
           ON CONFLICT (username) DO UPDATE
             SET role = 'operator', password_hash = EXCLUDED.password_hash, source = 'generated', updated_at = now()`,
          [GENERATED_ADMIN, await hashPassword(password)],
        );
        result.admin = "created";
        result.password = password;
      }
      // Else "admin" is a configured viewer: no operator can be generated under that name.
    }
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The start-up notice about the generated admin: the password once, a reminder afterwards. */
export function formatUserSyncNotice(result: UserSyncResult): string | undefined {
  if (result.admin === "existing") {
    return `Sign in as "${GENERATED_ADMIN}": its password was printed on first start; set BREAKWATER_USERS to choose your own.\n`;
  }
  if (result.admin !== "created" || result.password === undefined) return undefined;
  const rule = "=".repeat(72);
  return [
    rule,
    "  No operator is configured (BREAKWATER_USERS), so Breakwater created one:",
    "",
    `    user:      ${GENERATED_ADMIN}`,
    `    password:  ${result.password}`,
    "",
    "  This password is shown only now; only its hash is stored.",
    "  Set BREAKWATER_USERS=name:operator:password to choose your own.",
    rule,
    "",
  ].join("\n");
}
