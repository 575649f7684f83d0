import pg from "pg";
import type { Logger } from "../../lib/server/logger";
import type { HealthCheck } from "./service-runtime";

/**
 * PostgreSQL for the demo services that keep state there (inventory, orders): a small pool,
 * the service's tables created on first use in the demo's own schema (never Breakwater's), and
 * a cached reachability check for the heartbeat. Queries go through `pg`, so the OTel pg
 * instrumentation turns them into CLIENT spans with db.system like any real service's.
 */

/**
 * Breakwater's DATABASE_URL may carry Prisma's `?schema=` parameter; it means nothing to `pg`
 * (and our tables live in their own schema anyway), so drop it.
 */
export function toPgConnectionString(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete("schema");
  return parsed.toString();
}

/** `"demo_shop"` — the schema name is validated by env.ts; quote it anyway. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export type Database = {
  pool: pg.Pool;
  /** Quoted schema, for `${db.schema}.stock`. */
  schema: string;
  /** Settles after the first probe (success or not): await it before listening to avoid a cold 503. */
  firstProbe: Promise<void>;
  /** Tables exist and the last probe succeeded. */
  isReady(): boolean;
  /** The last probe's result, for the heartbeat (synchronous: probes run in the background). */
  check(): HealthCheck;
  close(): Promise<void>;
};

export type OpenDatabaseOptions = {
  url: string;
  schema: string;
  /** DDL run once (in one transaction under an advisory lock); `{schema}` is replaced by the quoted schema. */
  ddl: readonly string[];
  log: Logger;
  /** Probe interval. Default 2000 ms. */
  probeIntervalMs?: number;
};

/**
 * Opens the pool and starts the probe loop. Never throws for an unreachable database: the
 * service starts, reports `db` as failing (→ unhealthy) and creates its tables once it can.
 */
export function openDatabase(options: OpenDatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: toPgConnectionString(options.url),
    max: 5,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 10_000,
    // A stuck query must not hold a demo request (or a probe) forever.
    query_timeout: 5_000,
    application_name: "breakwater-demo",
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", (error) => options.log.warn("database connection lost", { error: error.message }));
  const schema = quoteIdent(options.schema);
  let tablesReady = false;
  let lastCheck: HealthCheck = { name: "db", status: "fail", detail: "not connected yet" };
  let closed = false;

  const ensureTables = async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      // Several processes (and test files) may create the same schema at once.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`breakwater-demo:${options.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      for (const statement of options.ddl) await client.query(statement.replaceAll("{schema}", schema));
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const probe = async () => {
    try {
      if (!tablesReady) {
        await ensureTables();
        tablesReady = true;
        options.log.info("database ready", { schema: options.schema });
      } else {
        await pool.query("SELECT 1");
      }
      lastCheck = { name: "db", status: "pass" };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (lastCheck.status === "pass" || lastCheck.detail === "not connected yet") {
        options.log.warn("database unreachable", { error: detail });
      }
      lastCheck = { name: "db", status: "fail", detail: detail.slice(0, 200) };
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const loop = (): Promise<void> =>
    probe().finally(() => {
      if (!closed) timer = setTimeout(() => void loop(), options.probeIntervalMs ?? 2_000);
    });
  const firstProbe = loop();

  return {
    pool,
    firstProbe,
    schema,
    isReady: () => tablesReady && lastCheck.status === "pass",
    check: () => lastCheck,
    async close() {
      closed = true;
      clearTimeout(timer);
      await pool.end().catch(() => undefined);
    },
  };
}
