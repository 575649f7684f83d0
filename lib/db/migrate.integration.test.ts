import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MIGRATIONS_DIR, migrate, MigrationError, readMigrations } from "@/lib/db/migrate";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";

type MigrationRecord = {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
};

async function records(db: TestDatabase): Promise<MigrationRecord[]> {
  const { rows } = await db.pool.query<MigrationRecord>(`SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name`);
  return rows;
}

describe("migrate", () => {
  const databases: TestDatabase[] = [];
  let scratchDir: string;

  beforeAll(async () => {
    scratchDir = await mkdtemp(path.join(tmpdir(), "breakwater-migrations-"));
  });
  afterAll(async () => {
    await Promise.all(databases.map((db) => db.close()));
    await rm(scratchDir, { recursive: true, force: true });
  });

  async function emptyDatabase(): Promise<TestDatabase> {
    const db = await createTestDatabase({ migrate: false });
    databases.push(db);
    return db;
  }

  /** A copy of the real migrations directory that a test may modify. */
  async function copyMigrations(name: string): Promise<string> {
    const dir = path.join(scratchDir, name);
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    return dir;
  }

  it("applies every migration once under two concurrent callers and records them like Prisma", async () => {
    const db = await emptyDatabase();
    const local = await readMigrations();
    expect(local.length).toBeGreaterThan(0);

    const [first, second] = await Promise.all([migrate(db.pool), migrate(db.pool)]);
    // Exactly one caller applied everything; the other waited on the lock and found nothing to do.
    const appliedByBoth = [...first.applied, ...second.applied].sort();
    expect(appliedByBoth).toEqual(local.map((m) => m.name));

    const rows = await records(db);
    expect(rows.map((r) => r.migration_name)).toEqual(local.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      const bytes = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, local[i].name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }

    // The tables exist in the test schema, not in public.
    const { rows: tables } = await db.pool.query<{ table_schema: string }>(
      "SELECT table_schema FROM information_schema.tables WHERE table_name = 'spans' AND table_schema = $1",
      [db.schema],
    );
    expect(tables).toHaveLength(1);

    // Re-running is a no-op.
    const again = await migrate(db.pool);
    expect(again.applied).toEqual([]);
    expect(await records(db)).toEqual(rows);
  });

  it("refuses a migration that was modified after it was applied", async () => {
    const db = await emptyDatabase();
    const dir = await copyMigrations("modified");
    await migrate(db.pool, { migrationsDir: dir });
    const [firstName] = (await readMigrations(dir)).map((m) => m.name);
    const file = path.join(dir, firstName, "migration.sql");
    await writeFile(file, `${await readFile(file, "utf8")}\n-- edited\n`);

    const error = await migrate(db.pool, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).code).toBe("MIGRATION_MODIFIED");
    expect((error as MigrationError).message).toContain(firstName);
  });

  it("applies a new migration after earlier ones and leaves a failed one recorded, blocking later runs", async () => {
    const db = await emptyDatabase();
    const dir = await copyMigrations("failing");
    await migrate(db.pool, { migrationsDir: dir });

    await mkdir(path.join(dir, "29990101000000_add_thing"));
    await writeFile(path.join(dir, "29990101000000_add_thing", "migration.sql"), "CREATE TABLE thing (id int PRIMARY KEY);\n");
    await mkdir(path.join(dir, "29990102000000_broken"));
    // The first statement succeeds, the second fails: the transaction must undo the first.
    await writeFile(
      path.join(dir, "29990102000000_broken", "migration.sql"),
      "CREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n",
    );

    const error = await migrate(db.pool, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).code).toBe("MIGRATION_FAILED");
    expect((error as MigrationError).message).toContain("no_such_table");

    const rows = await records(db);
    const thing = rows.find((r) => r.migration_name === "29990101000000_add_thing");
    expect(thing?.finished_at).toBeInstanceOf(Date);
    const broken = rows.find((r) => r.migration_name === "29990102000000_broken");
    expect(broken).toBeDefined();
    expect(broken!.finished_at).toBeNull();
    expect(broken!.applied_steps_count).toBe(0);
    expect(broken!.logs).toContain('relation "no_such_table" does not exist');

    const { rows: halfDone } = await db.pool.query("SELECT to_regclass('half_done') AS t");
    expect(halfDone[0].t).toBeNull();

    // The next start refuses, like Prisma's P3009, and names the way out.
    const blocked = await migrate(db.pool, { migrationsDir: dir }).catch((e: unknown) => e);
    expect((blocked as MigrationError).code).toBe("MIGRATION_FAILED_EARLIER");
    expect((blocked as MigrationError).message).toContain("29990102000000_broken");
    expect((blocked as MigrationError).message).toContain("rolled_back_at");

    // After fixing the file and marking the failure rolled back, it applies.
    await writeFile(path.join(dir, "29990102000000_broken", "migration.sql"), "CREATE TABLE half_done (id int);\n");
    await db.pool.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = $1`, [broken!.id]);
    const retried = await migrate(db.pool, { migrationsDir: dir });
    expect(retried.applied).toEqual(["29990102000000_broken"]);
    const finalRows = await records(db);
    expect(finalRows.filter((r) => r.migration_name === "29990102000000_broken").map((r) => r.finished_at !== null)).toEqual([
      false,
      true,
    ]);
  });

  it("creates the schema named by the URL when it does not exist yet", async () => {
    const db = await emptyDatabase();
    await db.pool.query(`DROP SCHEMA "${db.schema}" CASCADE`);
    const result = await migrate(db.pool);
    expect(result.applied.length).toBeGreaterThan(0);
    const { rows } = await db.pool.query<{ current_schema: string }>("SELECT current_schema()");
    expect(rows[0].current_schema).toBe(db.schema);
  });
});
