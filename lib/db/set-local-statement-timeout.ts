import type pg from "pg";

/**
 * Bounds every following statement of the current transaction to `ms` milliseconds
 * (`SET LOCAL statement_timeout`); COMMIT or ROLLBACK restores the session's value, so
 * nothing leaks to the next user of a pooled connection. Call it right after BEGIN: outside
 * a transaction block PostgreSQL only warns and the limit does not apply.
 *
 * Pools set no global statement_timeout (long dashboard reads are legitimate); use this on
 * paths where a stuck statement is worse than a failed one, e.g. the span writer's
 * transaction. A statement that runs over fails with SQLSTATE 57014 (query_canceled).
 */
export async function setLocalStatementTimeout(client: pg.PoolClient | pg.Client, ms: number): Promise<void> {
  await client.query(localStatementTimeoutSql(ms));
}

/**
 * The `SET LOCAL statement_timeout` statement setLocalStatementTimeout runs, for callers that
 * send it in one round trip with BEGIN. Throws RangeError unless `ms` is a positive integer.
 */
export function localStatementTimeoutSql(ms: number): string {
  // An integer, so it can go into SET (which takes no bind parameters) as it is.
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`statement timeout must be a positive integer (ms), got ${ms}`);
  return `SET LOCAL statement_timeout = ${ms}`;
}
