import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "@/lib/db/migrate";
import { closeDb, createPool, createPrisma, getPool, getPrisma, quoteIdent } from "@/lib/db/pool";
import { getTestServerUrl, withSchema } from "@/lib/test/db";

describe("createPool", () => {
  // A schema name that needs quoting (upper case) and start-up option escaping (space).
  // (A '"' would work for the pool, but Prisma's adapter does not escape it in its SQL.)
  const schema = `Odd Name ${Math.random().toString(36).slice(2, 8)}`;
  let admin: ReturnType<typeof createPool>;
  let pool: ReturnType<typeof createPool>;

  beforeAll(async () => {
    admin = createPool(getTestServerUrl(), { max: 1 });
    await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    pool = createPool(withSchema(getTestServerUrl(), schema), { max: 3, applicationName: "pool-test" });
    await migrate(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await admin.end();
  });

  it("strips ?schema= from the URL and sets search_path, time zone, application name and no JIT", async () => {
    const { rows } = await pool.query<{ schema: string; tz: string; app: string; jit: string }>(
      "SELECT current_schema() AS schema, current_setting('TimeZone') AS tz, current_setting('application_name') AS app, current_setting('jit') AS jit",
    );
    expect(rows[0]).toEqual({ schema, tz: "UTC", app: "pool-test", jit: "off" });
  });

  it("returns int8 as exact decimal strings and Prisma BigInt as bigint, on the same connections", async () => {
    const big = "9007199254740993"; // 2^53 + 1: not representable as a double
    await pool.query("INSERT INTO services (name, first_seen, last_seen, span_count) VALUES ('svc', now(), now(), $1)", [big]);
    const { rows } = await pool.query<{ span_count: string; n: string }>(
      "SELECT span_count, count(*) OVER () AS n FROM services",
    );
    expect(rows[0]).toEqual({ span_count: big, n: "1" });

    const prisma = createPrisma(pool, schema);
    try {
      const service = await prisma.service.findUniqueOrThrow({ where: { name: "svc" } });
      expect(service.spanCount).toBe(9007199254740993n);
      // Prisma runs on the pool we gave it: its session sees our pool's application_name.
      const [{ app }] = await prisma.$queryRaw<{ app: string }[]>`SELECT current_setting('application_name') AS app`;
      expect(app).toBe("pool-test");
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe("createPool connection liveness", () => {
  const pools: ReturnType<typeof createPool>[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
  });

  it("turns on TCP keepalive on our socket and sets the server's keepalive and idle-in-transaction timeout", async () => {
    const pool = createPool(getTestServerUrl(), { max: 1 });
    pools.push(pool);
    const { rows } = await pool.query<{
      idle_tx: string;
      ka_idle: string;
      ka_interval: string;
      ka_count: string;
      statement: string;
      port: number;
    }>(
      `SELECT current_setting('idle_in_transaction_session_timeout') AS idle_tx, current_setting('tcp_keepalives_idle') AS ka_idle,
              current_setting('tcp_keepalives_interval') AS ka_interval, current_setting('tcp_keepalives_count') AS ka_count,
              current_setting('statement_timeout') AS statement, inet_client_port() AS port`,
    );
    expect(rows[0]).toMatchObject({ idle_tx: "1min", ka_idle: "60", ka_interval: "10", ka_count: "6", statement: "0" });
    // The kernel's view of our end of that connection: a keepalive timer is armed.
    const socket = execFileSync("ss", ["-tnoH", "state", "established", `( sport = :${rows[0].port} )`], { encoding: "utf8" });
    expect(socket).toMatch(/timer:\(keepalive,/);
  });

  it("ends a session left idle inside a transaction, releasing its locks", async () => {
    const pool = createPool(getTestServerUrl(), { max: 1, idleInTransactionTimeoutMs: 300 });
    pools.push(pool);
    const other = createPool(getTestServerUrl(), { max: 1 });
    pools.push(other);
    const table = `idle_tx_${Math.random().toString(36).slice(2, 8)}`;
    await other.query(`CREATE TABLE ${table} (x int)`);
    try {
      const client = await pool.connect();
      const ended = new Promise<Error>((resolve) => client.on("error", resolve));
      await client.query(`BEGIN; LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      // A client that stopped talking mid-transaction: the server ends the session.
      expect((await ended).message).toMatch(/idle-in-transaction timeout/);
      client.release(true);
      const reader = await other.connect();
      try {
        await reader.query("BEGIN; SET LOCAL lock_timeout = '2s'");
        const { rows } = await reader.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
        await reader.query("COMMIT");
        expect(rows).toEqual([{ n: "0" }]);
      } finally {
        reader.release();
      }
    } finally {
      await other.query(`DROP TABLE IF EXISTS ${table}`);
    }
  });

  it("rejects a negative idle-in-transaction timeout", () => {
    expect(() => createPool(getTestServerUrl(), { idleInTransactionTimeoutMs: -1 })).toThrow(RangeError);
  });
});

describe("getPool / getPrisma", () => {
  afterAll(async () => {
    await closeDb();
  });

  it("are process-wide singletons from DATABASE_URL, sharing one pool", async () => {
    expect(getPool()).toBe(getPool());
    expect(getPrisma()).toBe(getPrisma());
    const { rows } = await getPool().query<{ one: number }>("SELECT 1 AS one");
    expect(rows).toEqual([{ one: 1 }]);
    const before = getPool().totalCount;
    const [{ pid }] = await getPrisma().$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    expect(typeof pid).toBe("number");
    expect(getPool().totalCount).toBeGreaterThanOrEqual(Math.max(before, 1));
    await closeDb();
    expect(getPool()).not.toBe(undefined);
  });
});
