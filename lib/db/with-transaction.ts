import type pg from "pg";

/**
 * Runs `run` in one transaction on a connection of its own: BEGIN (or `begin`, e.g.
 * "BEGIN READ ONLY; SET LOCAL …"), then COMMIT — or ROLLBACK when `run` throws, or when
 * `commitIf(result)` says no (a write that turned out not to be wanted also releases its row
 * locks that way). A connection that could not even roll back is destroyed rather than returned
 * to the pool mid-transaction.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  run: (client: pg.PoolClient) => Promise<T>,
  options: { begin?: string; commitIf?: (result: T) => boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(options.begin ?? "BEGIN");
    try {
      const result = await run(client);
      await client.query(options.commitIf === undefined || options.commitIf(result) ? "COMMIT" : "ROLLBACK");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}
