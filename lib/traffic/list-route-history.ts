import type pg from "pg";
import { getPool } from "@/lib/db/pool";
import { NotFoundError } from "@/lib/http/errors";
import type { RouteHistory } from "./contract";
import { ROUTE_CHANGE_COLUMNS, type RouteChangeRow, toRouteChange } from "./route-change-row";

export const ROUTE_HISTORY_DEFAULT_LIMIT = 50;
export const ROUTE_HISTORY_MAX_LIMIT = 200;

/**
 * A route's audit rows, newest first, a page at a time by keyset on id (`before` = the
 * previous page's nextBefore): stable while changes keep arriving, unlike an offset. Ids grow
 * with commit order closely enough for an audit list; `at` is shown beside each row.
 */
export async function listRouteHistory(
  routeId: string,
  page: { limit?: number; before?: number } = {},
  pool: pg.Pool = getPool(),
): Promise<RouteHistory> {
  const limit = page.limit ?? ROUTE_HISTORY_DEFAULT_LIMIT;
  // One more row than asked says whether there is a next page.
  const { rows } = await pool.query<RouteChangeRow>(
    `SELECT ${ROUTE_CHANGE_COLUMNS} FROM route_changes
      WHERE route_id = $1 AND ($2::bigint IS NULL OR id < $2)
      ORDER BY id DESC
      LIMIT $3`,
    [routeId, page.before ?? null, limit + 1],
  );
  if (rows.length === 0) {
    const exists = await pool.query("SELECT 1 FROM routes WHERE id = $1", [routeId]);
    if (exists.rows.length === 0) throw new NotFoundError(`route ${routeId} not found`);
  }
  const changes = rows.slice(0, limit).map(toRouteChange);
  return { changes, nextBefore: rows.length > limit ? changes[changes.length - 1].id : null };
}
