import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "@/lib/db/pool";
import { localStatementTimeoutSql, setLocalStatementTimeout } from "@/lib/db/set-local-statement-timeout";
import { getTestServerUrl } from "@/lib/test/db";

describe("setLocalStatementTimeout", () => {
  let pool: ReturnType<typeof createPool>;
  beforeAll(() => {
    pool = createPool(getTestServerUrl(), { max: 1 });
  });
  afterAll(async () => {
    await pool.end();
  });

  it("cancels a statement of the transaction that runs over, and the limit ends with the transaction", async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await setLocalStatementTimeout(client, 100);
      const error = await client.query("SELECT pg_sleep(2)").then(
        () => undefined,
        (e: Error & { code?: string }) => e,
      );
      expect(error?.code).toBe("57014");
      expect(error?.message).toMatch(/statement timeout/);
      await client.query("ROLLBACK");

      await client.query("BEGIN");
      await setLocalStatementTimeout(client, 5_000);
      const { rows: inside } = await client.query<{ st: string }>("SELECT current_setting('statement_timeout') AS st");
      expect(inside).toEqual([{ st: "5s" }]);
      await client.query("COMMIT");
      // Same connection, next user: no limit left behind.
      const { rows: after } = await client.query<{ st: string }>("SELECT current_setting('statement_timeout') AS st");
      expect(after).toEqual([{ st: "0" }]);
    } finally {
      client.release();
    }
  });

  it("localStatementTimeoutSql builds the same statement, with the same check", () => {
    expect(localStatementTimeoutSql(250)).toBe("SET LOCAL statement_timeout = 250");
    for (const ms of [0, -5, 1.5, Number.NaN]) expect(() => localStatementTimeoutSql(ms)).toThrow(RangeError);
  });

  it("accepts only a positive integer number of milliseconds", async () => {
    const client = await pool.connect();
    try {
      for (const ms of [0, -5, 1.5, Number.NaN]) {
        await expect(setLocalStatementTimeout(client, ms)).rejects.toThrow(RangeError);
      }
    } finally {
      client.release();
    }
  });
});
