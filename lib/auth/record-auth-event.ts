import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import { clientAddress } from "@/lib/http/client-address";

export type AuthEventKind = "login" | "login_failed" | "logout" | "denied";

export type AuthEvent = {
  kind: AuthEventKind;
  status: number;
  reason: string;
  username?: string | null;
  role?: string | null;
};

/** Writes one auth_events row for `request` (method, path, client address and user agent come from it). */
export async function recordAuthEvent(request: Request, event: AuthEvent, pool: pg.Pool = getPool()): Promise<void> {
  await pool.query(
    `INSERT INTO auth_events (at, kind, username, role, method, path, status, reason, source, user_agent)
     VALUES (now(), $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      event.kind,
      event.username?.slice(0, 128) ?? null,
      event.role ?? null,
      request.method,
      new URL(request.url).pathname.slice(0, 1024),
      event.status,
      event.reason,
      clientAddress(request).slice(0, 128),
      request.headers.get("user-agent")?.slice(0, 512) ?? null,
    ],
  );
}
