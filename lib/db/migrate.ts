/**
 * Applies prisma/migrations/<stamp>_<name>/migration.sql in name order, recording each in
 * `_prisma_migrations` exactly as Prisma Migrate does, so `prisma migrate status/deploy`
 * (where the schema engine exists) agree with what we applied.
 *
 * Differences from Prisma, on purpose:
 * - each migration runs in its own transaction together with its bookkeeping update, so a
 *   failed migration leaves no half-applied DDL (a migration must therefore not use
 *   statements that refuse to run in a transaction, e.g. CREATE INDEX CONCURRENTLY);
 * - the advisory lock is per schema (two-key form), so test files migrating their own
 *   schemas do not wait for each other, while two processes starting together on one
 *   schema still serialize.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { quoteIdent } from "@/lib/db/pool";

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

/** First key of the advisory lock; Prisma Migrate's own lock id. The second key is the schema. */
const MIGRATION_LOCK_KEY = 72707369;

/** Prisma Migrate's DDL for its bookkeeping table (schema-engine, postgres flavour). */
const PRISMA_MIGRATIONS_DDL = (table: string) => `CREATE TABLE IF NOT EXISTS ${table} (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export type MigrateOptions = {
  migrationsDir?: string;
  log?: (msg: string) => void;
};

export type LocalMigration = { name: string; sql: string; checksum: string };

type MigrationRow = {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
};

export class MigrationError extends Error {
  constructor(
    readonly code: "MIGRATION_FAILED" | "MIGRATION_FAILED_EARLIER" | "MIGRATION_MODIFIED" | "NO_SCHEMA",
    message: string,
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

/** sha256 hex of the file's bytes, as Prisma records it. */
export function checksumMigration(sql: Buffer | string): string {
  return createHash("sha256").update(sql).digest("hex");
}

/** Migration directories (those holding a migration.sql), in the order they apply. */
export async function readMigrations(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): Promise<LocalMigration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory() && existsSync(path.join(migrationsDir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(path.join(migrationsDir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: checksumMigration(bytes) };
    }),
  );
}

/**
 * The schema the connection's search_path puts new tables in. Unlike current_schema(), this
 * also names a schema that does not exist yet (so we can create it, as Prisma does).
 */
async function resolveTargetSchema(client: pg.PoolClient): Promise<string> {
  const { rows } = await client.query<{ current: string | null; search_path: string; user: string }>(
    "SELECT current_schema() AS current, current_setting('search_path') AS search_path, current_user AS user",
  );
  const row = rows[0];
  if (row.current !== null) return row.current;
  for (const entry of splitSearchPath(row.search_path)) {
    if (entry === "$user") continue;
    if (entry.length > 0) return entry;
  }
  throw new MigrationError("NO_SCHEMA", `search_path "${row.search_path}" names no schema to migrate into`);
}

/** Splits a search_path setting into identifiers ("a""b" quoting, unquoted names fold to lower case). */
export function splitSearchPath(value: string): string[] {
  const result: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && (value[i] === " " || value[i] === ",")) i++;
    if (i >= value.length) break;
    if (value[i] === '"') {
      let name = "";
      i++;
      while (i < value.length) {
        if (value[i] === '"' && value[i + 1] === '"') {
          name += '"';
          i += 2;
        } else if (value[i] === '"') {
          i++;
          break;
        } else {
          name += value[i++];
        }
      }
      result.push(name);
    } else {
      let name = "";
      while (i < value.length && value[i] !== ",") name += value[i++];
      const trimmed = name.trim();
      result.push(trimmed === "$user" ? trimmed : trimmed.toLowerCase());
    }
  }
  return result;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const pgError = error as Error & { code?: string; detail?: string; hint?: string; position?: string; where?: string };
  const parts = [pgError.message];
  if (pgError.code) parts.push(`SQLSTATE ${pgError.code}`);
  if (pgError.position) parts.push(`at character ${pgError.position}`);
  if (pgError.detail) parts.push(`detail: ${pgError.detail}`);
  if (pgError.hint) parts.push(`hint: ${pgError.hint}`);
  if (pgError.where) parts.push(`where: ${pgError.where}`);
  return parts.join("\n");
}

/**
 * Applies pending migrations to the schema the pool's search_path points at.
 * Returns the names applied by this call (empty when the schema was already current).
 */
export async function migrate(pool: pg.Pool, opts: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const log = opts.log ?? (() => {});
  const local = await readMigrations(opts.migrationsDir);
  const client = await pool.connect();
  let schema: string | undefined;
  let locked = false;
  try {
    schema = await resolveTargetSchema(client);
    // Session-level lock on this dedicated connection: held across the per-migration
    // transactions, released in `finally` (or by the server if the connection dies). Taken
    // before CREATE SCHEMA/TABLE IF NOT EXISTS, which are not safe against concurrent runs.
    await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [MIGRATION_LOCK_KEY, schema]);
    locked = true;
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);

    const table = `${quoteIdent(schema)}."_prisma_migrations"`;
    await client.query(PRISMA_MIGRATIONS_DDL(table));
    const { rows } = await client.query<MigrationRow>(
      `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at FROM ${table} ORDER BY started_at, migration_name`,
    );

    // Like Prisma's P3009: a failed migration blocks everything after it until resolved.
    const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      throw new MigrationError(
        "MIGRATION_FAILED_EARLIER",
        `Migration "${failed.migration_name}" (started ${failed.started_at.toISOString()}) failed earlier in schema "${schema}", ` +
          `so no new migrations are applied.\n` +
          `Its error was:\n${failed.logs ?? "(no log)"}\n` +
          `Each migration runs in a transaction, so nothing of it was applied. Fix the migration or the database, then mark it ` +
          `rolled back to retry it: UPDATE ${table} SET rolled_back_at = now() WHERE id = '${failed.id}'; ` +
          `(the same as \`prisma migrate resolve --rolled-back ${failed.migration_name}\`).`,
      );
    }

    const appliedRows = new Map<string, MigrationRow>();
    for (const row of rows) {
      if (row.finished_at !== null && row.rolled_back_at === null) appliedRows.set(row.migration_name, row);
    }
    const localNames = new Set(local.map((migration) => migration.name));
    for (const name of appliedRows.keys()) {
      if (!localNames.has(name)) log(`migrate: "${name}" is recorded in schema "${schema}" but not present locally`);
    }
    for (const migration of local) {
      const row = appliedRows.get(migration.name);
      if (row && row.checksum !== migration.checksum) {
        throw new MigrationError(
          "MIGRATION_MODIFIED",
          `Migration "${migration.name}" was modified after it was applied to schema "${schema}" ` +
            `(recorded checksum ${row.checksum}, file now ${migration.checksum}). ` +
            `Applied migrations must not change: revert the file and put the change in a new migration.`,
        );
      }
    }

    const applied: string[] = [];
    for (const migration of local) {
      if (appliedRows.has(migration.name)) continue;
      const id = randomUUID();
      // The row is committed before the migration runs, so a failure leaves it behind with
      // finished_at NULL and the error in logs, exactly like Prisma.
      await client.query(
        `INSERT INTO ${table} (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
        [id, migration.checksum, migration.name],
      );
      log(`migrate: applying ${migration.name}`);
      try {
        await client.query("BEGIN");
        await client.query(migration.sql);
        await client.query(`UPDATE ${table} SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        const logs = describeError(error);
        await client.query(`UPDATE ${table} SET logs = $2 WHERE id = $1`, [id, logs]);
        throw new MigrationError(
          "MIGRATION_FAILED",
          `Migration "${migration.name}" failed in schema "${schema}" and was rolled back:\n${logs}`,
        );
      }
      applied.push(migration.name);
    }
    if (applied.length === 0) log(`migrate: schema "${schema}" is up to date (${local.length} migrations)`);
    return { applied };
  } finally {
    let releaseError: Error | undefined;
    if (locked && schema !== undefined) {
      await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [MIGRATION_LOCK_KEY, schema]).catch((error: Error) => {
        releaseError = error;
      });
    }
    // A connection that could not unlock is destroyed rather than returned holding the lock.
    client.release(releaseError);
  }
}
