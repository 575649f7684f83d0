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

  it("strips ?schema= from the URL and sets search_path, time zone and application name", async () => {
    const { rows } = await pool.query<{ schema: string; tz: string; app: string }>(
      "SELECT current_schema() AS schema, current_setting('TimeZone') AS tz, current_setting('application_name') AS app",
    );
    expect(rows[0]).toEqual({ schema, tz: "UTC", app: "pool-test" });
  });

  it("returns int8 as exact decimal strings and Prisma BigInt as bigint, on the same connections", async () => {
    const big = "9007199254740993"; // 2^53 + 1: not representable as a double
    await pool.query("INSERT INTO services (name, first_seen, last_seen, span_count) VALUES ('svc', now(), now(), $1)", [big]);
    const { rows } = await pool.query<{ span_count: string; n: string }>("SELECT span_count, count(*) OVER () AS n FROM services");
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
