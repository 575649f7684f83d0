/**
 * Isolated, migrated PostgreSQL schemas for integration tests.
 *
 *   const db = await createTestDatabase();   // in beforeAll
 *   ...db.pool.query(...) / db.prisma.span.findMany()
 *   await db.close();                          // in afterAll: drops the schema
 *
 * The server comes from the vitest global setup (lib/test/global-setup.ts): DATABASE_URL
 * when set, otherwise an embedded PostgreSQL it started for this run.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { inject } from "vitest";
import { migrate } from "@/lib/db/migrate";
import { createPool, createPrisma, parseDatabaseUrl, quoteIdent } from "@/lib/db/pool";
import type { PrismaClient } from "@/lib/generated/prisma/client";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the test PostgreSQL server (no ?schema=). */
    testDatabaseUrl: string;
  }
}

export type TestDatabase = {
  /** Connection URL with `?schema=<schema>`, usable with createPool / new processes. */
  url: string;
  schema: string;
  /** search_path is `schema`; bigint columns come back as strings (see lib/db/pool.ts). */
  pool: pg.Pool;
  /** Prisma client on `pool`, bound to `schema`. */
  prisma: PrismaClient;
  /** Disconnects and drops the schema. Safe to call twice. */
  close(): Promise<void>;
};

/** Base URL of the test server, without any schema. */
export function getTestServerUrl(): string {
  const url = inject("testDatabaseUrl");
  if (!url)
    throw new Error(
      "No test database: run integration tests through vitest (project `integration`), whose global setup provides one",
    );
  return parseDatabaseUrl(url).connectionString;
}

export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("schema", schema);
  return parsed.toString();
}

export async function createTestDatabase(opts: { max?: number; migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = getTestServerUrl();
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = createPool(serverUrl, { max: 1, applicationName: "breakwater-test-admin" });
  try {
    await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  const url = withSchema(serverUrl, schema);
  const pool = createPool(url, { max: opts.max ?? 5, applicationName: `breakwater-test-${schema}` });
  const prisma = createPrisma(pool, schema);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await prisma.$disconnect();
      await pool.end();
      await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    } finally {
      await admin.end();
    }
  };
  try {
    if (opts.migrate !== false) await migrate(pool);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, schema, pool, prisma, close };
}
