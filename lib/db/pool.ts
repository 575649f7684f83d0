import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { getEnv } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

// No `import "server-only"` here: tsx scripts (migrate, start, bench) import this module.
//
// Type parsing: we keep node-postgres' defaults and never call the process-global
// `pg.types.setTypeParser`. So through the pool, int8/bigint columns (and COUNT(*), SUM of
// ints) come back as decimal STRINGS ("9007199254740993"), numeric as strings, int2/int4 as
// numbers, timestamptz as Date, jsonb as parsed JSON, bytea as Buffer. Strings keep 64-bit ids
// exact and match lib/otlp/model.ts (ids and nanosecond times are decimal strings). Prisma
// is unaffected either way: its adapter converts int8 to BigInt for BigInt fields itself.

export type CreatePoolOptions = {
  /** Maximum connections; defaults to BREAKWATER_DB_POOL_SIZE when omitted by getPool(), else 10. */
  max?: number;
  /** Shown in pg_stat_activity.application_name. */
  applicationName?: string;
  /** Server ends a session idle inside a transaction this long (default 60 s; 0 = never). */
  idleInTransactionTimeoutMs?: number;
};

/** First TCP keepalive probe after this much silence, from our side of the connection. */
const KEEPALIVE_INITIAL_DELAY_MS = 10_000;
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
/**
 * The server's side: probe a silent client after 60 s, every 10 s, give up after 6 missed
 * probes. Its backend then ends and releases its locks even mid-statement (e.g. waiting for
 * COPY data from a client that vanished), which idle_in_transaction_session_timeout does not
 * cover. Ignored on Unix-socket connections.
 */
const SERVER_KEEPALIVE_OPTIONS = ["-c tcp_keepalives_idle=60", "-c tcp_keepalives_interval=10", "-c tcp_keepalives_count=6"];

/**
 * Splits a Prisma-style `?schema=name` off a connection URL. node-postgres does not know that
 * parameter, so it is removed from the URL and applied as search_path instead.
 */
export function parseDatabaseUrl(url: string): { connectionString: string; schema?: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  return { connectionString: parsed.toString(), schema: schema === "" ? undefined : schema };
}

/** Quotes a PostgreSQL identifier ("a""b"). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A node-postgres pool. A `?schema=name` in the URL becomes the session's search_path
 * (set at connection start-up, so every query on every connection sees it — including
 * Prisma's, COPY and raw SQL). Sessions use TimeZone=UTC.
 *
 * Liveness: TCP keepalive on both ends, and idle_in_transaction_session_timeout, so a client
 * that died or hung inside a transaction cannot hold its locks (and stall partition DDL or
 * other writers) forever. There is deliberately no global statement_timeout: dashboard reads
 * may legitimately run long. Bound a statement where it matters with setLocalStatementTimeout.
 */
export function createPool(url: string, opts: CreatePoolOptions = {}): pg.Pool {
  const { connectionString, schema } = parseDatabaseUrl(url);
  const config: pg.PoolConfig = {
    connectionString,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? "breakwater",
    // Without it a connection whose peer vanished (server host gone, NAT dropped the flow)
    // looks alive until the OS gives up on a write, which may take many minutes.
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
  };
  const idleInTransactionMs = opts.idleInTransactionTimeoutMs ?? IDLE_IN_TRANSACTION_TIMEOUT_MS;
  if (!Number.isSafeInteger(idleInTransactionMs) || idleInTransactionMs < 0) {
    throw new RangeError(`idleInTransactionTimeoutMs must be a non-negative integer, got ${idleInTransactionMs}`);
  }
  // Sessions run in UTC whatever the server's default: date_trunc/day buckets, partition
  // bounds and ::text of timestamptz mean the same thing on every machine. JIT off: the
  // dashboard's rollup reads over many partitions are priced high enough to trigger it, and
  // compiling took ~2 s of a 24 h topology read that runs in ~1.3 s without it (bench:query);
  // none of our statements runs long enough to win the compile time back.
  const startupOptions = [
    "-c TimeZone=UTC",
    "-c jit=off",
    `-c idle_in_transaction_session_timeout=${idleInTransactionMs}`,
    ...SERVER_KEEPALIVE_OPTIONS,
  ];
  if (schema !== undefined) {
    // Start-up options are parsed by the server like a command line: backslash-escape
    // spaces and backslashes so the quoted identifier survives intact.
    const value = quoteIdent(schema).replaceAll("\\", "\\\\").replaceAll(" ", "\\ ");
    startupOptions.push(`-c search_path=${value}`);
  }
  config.options = startupOptions.join(" ");
  const pool = new pg.Pool(config);
  // An idle client losing its connection (server restart) emits 'error' on the pool; without
  // a listener that would crash the process. The pool discards the client and reconnects.
  pool.on("error", (error) => {
    console.error(`[db] idle connection error: ${error.message}`);
  });
  return pool;
}

/** The schema named by `?schema=` in a URL, if any (for Prisma's adapter option). */
function getUrlSchema(url: string): string | undefined {
  return parseDatabaseUrl(url).schema;
}

/** A Prisma client that runs every query on `pool` (the same connections as raw SQL). */
export function createPrisma(pool: pg.Pool, schema?: string): PrismaClient {
  const adapter = new PrismaPg(pool, schema === undefined ? undefined : { schema });
  return new PrismaClient({ adapter });
}

type DbGlobals = { pool?: pg.Pool; prisma?: PrismaClient };

// Cached on globalThis so Next.js dev hot reloads reuse one pool instead of leaking one per reload.
const globals = globalThis as typeof globalThis & { __breakwaterDb?: DbGlobals };

function getDbGlobals(): DbGlobals {
  globals.__breakwaterDb ??= {};
  return globals.__breakwaterDb;
}

function getDatabaseUrl(): string {
  const url = getEnv().DATABASE_URL;
  if (url === undefined) {
    throw new Error(
      "DATABASE_URL is not set. `npm start` starts an embedded PostgreSQL and sets it; other entry points need it in the environment.",
    );
  }
  return url;
}

/** The process-wide pool (built from DATABASE_URL on first use). */
export function getPool(): pg.Pool {
  const db = getDbGlobals();
  db.pool ??= createPool(getDatabaseUrl(), { max: getEnv().BREAKWATER_DB_POOL_SIZE });
  return db.pool;
}

/** The process-wide Prisma client, running on the same pool as getPool(). */
export function getPrisma(): PrismaClient {
  const db = getDbGlobals();
  db.prisma ??= createPrisma(getPool(), getUrlSchema(getDatabaseUrl()));
  return db.prisma;
}

/** Closes the process-wide Prisma client and pool (shutdown, tests). Safe to call twice. */
export async function closeDb(): Promise<void> {
  const db = getDbGlobals();
  const { prisma, pool } = db;
  db.prisma = undefined;
  db.pool = undefined;
  await prisma?.$disconnect();
  await pool?.end();
}
