import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { type MaintenanceEnv, runMaintenancePass } from "./maintenance";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 21, 19, 25, 0); // 2026-11-21T19:25Z

const env: MaintenanceEnv = {
  BREAKWATER_MAINTENANCE_INTERVAL_S: 60,
  BREAKWATER_SPAN_RETENTION_HOURS: 48,
  BREAKWATER_ROLLUP_RETENTION_DAYS: 30,
  BREAKWATER_SPAN_STORAGE_LIMIT: undefined,
};

describe("runMaintenancePass", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("removes services and operations not seen within the span retention, after retention dropped their spans", async () => {
    const at = (ms: number) => new Date(ms).toISOString();
    // Retention 48 h at 19:25 keeps partitions from 2026-11-19T19:00 on.
    const oldestKeptHour = Date.UTC(2026, 10, 19, 19);
    await db.pool.query(
      `INSERT INTO services (name, first_seen, last_seen, span_count) VALUES
         ('gone', $1, $1, 10), ('live', $1, $2, 20), ('edge', $3, $3, 1)`,
      [at(NOW - 72 * HOUR), at(NOW), at(oldestKeptHour + 60_000)],
    );
    await db.pool.query(
      `INSERT INTO operations (service_name, name, span_kind, last_seen) VALUES
         ('gone', 'GET /', 2, $1), ('live', 'old-op', 2, $1), ('live', 'GET /', 2, $2), ('live', 'GET /', 3, $3), ('edge', 'tick', 1, $4)`,
      [at(NOW - 72 * HOUR), at(NOW), at(oldestKeptHour - 60_000), at(oldestKeptHour + 60_000)],
    );
    // A span partition old enough for retention, so the pass really drops one first.
    await db.pool.query("CREATE TABLE spans_p2026111812 (LIKE spans)");
    await db.pool.query(
      "ALTER TABLE spans ATTACH PARTITION spans_p2026111812 FOR VALUES FROM ('2026-11-18 12:00Z') TO ('2026-11-18 13:00Z')",
    );

    const result = await runMaintenancePass(db.pool, env, NOW);
    expect(result.dropped).toEqual(["spans_p2026111812"]);
    expect(result.pruned).toEqual({ services: 1, operations: 3 });
    // Only the current and upcoming hours exist: nothing closed to compact.
    expect(result.compacted).toEqual([]);

    const services = await db.pool.query<{ name: string; span_count: string }>(
      "SELECT name, span_count FROM services ORDER BY name",
    );
    expect(services.rows).toEqual([
      // Seen within the oldest kept hour: some of its spans may still be stored.
      { name: "edge", span_count: "1" },
      { name: "live", span_count: "20" },
    ]);
    const operations = await db.pool.query("SELECT service_name, name, span_kind FROM operations ORDER BY 1, 2, 3");
    expect(operations.rows).toEqual([
      { service_name: "edge", name: "tick", span_kind: 1 },
      { service_name: "live", name: "GET /", span_kind: 2 },
    ]);

    // Idempotent: nothing left to remove.
    expect((await runMaintenancePass(db.pool, env, NOW)).pruned).toEqual({ services: 0, operations: 0 });
  });

  it("compacts closed hours after retention, newest first and at most 2 per pass, never one retention dropped", async () => {
    const other = await createTestDatabase();
    try {
      for (const [name, from] of [
        ["spans_p2026111812", "2026-11-18 12:00Z"], // beyond the 48 h retention
        ["spans_p2026112115", "2026-11-21 15:00Z"],
        ["spans_p2026112116", "2026-11-21 16:00Z"],
        ["spans_p2026112118", "2026-11-21 18:00Z"],
      ]) {
        await other.pool.query(`CREATE TABLE ${name} (LIKE spans)`);
        await other.pool.query(
          `ALTER TABLE spans ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO (timestamptz '${from}' + interval '1 hour')`,
        );
      }
      const first = await runMaintenancePass(other.pool, env, NOW);
      expect(first.dropped).toEqual(["spans_p2026111812"]);
      expect(first.compacted).toEqual(["spans_p2026112118", "spans_p2026112116"]);
      expect((await runMaintenancePass(other.pool, env, NOW)).compacted).toEqual(["spans_p2026112115"]);
      expect((await runMaintenancePass(other.pool, env, NOW)).compacted).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
