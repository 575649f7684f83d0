import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { from as copyFrom } from "pg-copy-streams";
import {
  PARTITION_LOCK_KEY,
  RETENTION_DROP_MARK,
  ensurePartitions,
  ensureSpanPartitions,
  ensureUpcomingPartitions,
  forgetKnownPartitions,
  isMissingPartitionError,
  runRetention,
  type PartitionedTableSpec,
} from "@/lib/db/partitions";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 21, 19, 25, 0); // 2026-11-21T19:25Z

type Bound = { name: string; bound: string };

async function spanPartitions(db: TestDatabase, table = "spans"): Promise<Bound[]> {
  const { rows } = await db.pool.query<Bound>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1) ORDER BY c.relname`,
    [table],
  );
  return rows;
}

/** Inserts `count` spans (with wide attributes, to take disk space) starting at `startMs`. */
async function insertSpans(db: TestDatabase, startMs: number, count: number, tag = "x"): Promise<void> {
  await db.pool.query(
    `INSERT INTO spans (start_time, duration_ns, resource_id, trace_id, kind, status_code, span_id, service_name, name, attributes)
     SELECT to_timestamp($1::float8 / 1000) + (g * interval '1 ms'), 1000, 1, gen_random_uuid(), 2, 0,
            int8send(g), 'svc', 'op', jsonb_build_object('pad', repeat($3, 400))
       FROM generate_series(1, $2::int) g`,
    [startMs, count, tag],
  );
}

describe("span partitions", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("creates hourly partitions with the right names and ranges, idempotently and under concurrency", async () => {
    const hours = [NOW, NOW + HOUR, NOW - 5 * HOUR, NOW + 10 * 60_000 /* same hour as NOW */];
    // Two pools' worth of callers at once: the pool itself and a checked-out client.
    const client = await db.pool.connect();
    try {
      await Promise.all([
        ensureSpanPartitions(db.pool, hours),
        ensureSpanPartitions(client, hours),
        ensureSpanPartitions(db.pool, hours),
      ]);
    } finally {
      client.release();
    }
    expect(await spanPartitions(db)).toEqual([
      { name: "spans_p2026112114", bound: "FOR VALUES FROM ('2026-11-21 14:00:00+00') TO ('2026-11-21 15:00:00+00')" },
      { name: "spans_p2026112119", bound: "FOR VALUES FROM ('2026-11-21 19:00:00+00') TO ('2026-11-21 20:00:00+00')" },
      { name: "spans_p2026112120", bound: "FOR VALUES FROM ('2026-11-21 20:00:00+00') TO ('2026-11-21 21:00:00+00')" },
    ]);
    // Cached: a second call issues no DDL (and would not fail even if it did).
    await ensureSpanPartitions(db.pool, hours);
    expect(await spanPartitions(db)).toHaveLength(3);

    // Partitions carry the parent's primary key and indexes (created by ATTACH).
    const { rows: indexes } = await db.pool.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'spans_p2026112119' AND schemaname = $1 ORDER BY indexname",
      [db.schema],
    );
    expect(indexes.map((i) => i.indexdef.replace(/^.* USING /, ""))).toEqual([
      "btree (trace_id, span_id, start_time)",
      "btree (service_name, start_time DESC)",
      "btree (service_name, start_time DESC) INCLUDE (trace_id, duration_ns) WHERE (status_code = 2)",
    ]);
  });

  it("routes a row into the partition of its hour", async () => {
    await ensureSpanPartitions(db.pool, [NOW]);
    await insertSpans(db, Date.UTC(2026, 10, 21, 19, 59, 59), 1, "edge");
    const { rows } = await db.pool.query<{ partition: string; start_time: Date }>(
      "SELECT tableoid::regclass::text AS partition, start_time FROM spans WHERE attributes->>'pad' LIKE 'edge%'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].partition).toBe("spans_p2026112119");

    // No partition for that hour: PostgreSQL refuses the row.
    await expect(insertSpans(db, NOW + 30 * DAY, 1)).rejects.toThrow(/no partition of relation "spans" found for row/);
  });

  it("ensureUpcomingPartitions creates the current and next two hours", async () => {
    const later = NOW + 3 * DAY;
    await ensureUpcomingPartitions(db.pool, later);
    const names = (await spanPartitions(db)).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["spans_p2026112419", "spans_p2026112420", "spans_p2026112421"]));
    expect(names).not.toContain("spans_p2026112422");
  });
});

describe("retention", () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((db) => db.close()));
  });
  async function freshDb(): Promise<TestDatabase> {
    const db = await createTestDatabase();
    databases.push(db);
    return db;
  }

  it("drops partitions whose whole range is older than the retention and keeps the rest", async () => {
    const db = await freshDb();
    const hours = Array.from({ length: 8 }, (_, i) => NOW - i * HOUR); // 19h back to 12h
    await ensureSpanPartitions(db.pool, hours);
    await insertSpans(db, Date.UTC(2026, 10, 21, 13, 30), 5, "old");
    await insertSpans(db, Date.UTC(2026, 10, 21, 18, 30), 5, "new");

    // Retention 3 h at 19:25 → cutoff 16:25: hours ending at or before it (12..15) go;
    // 16:00–17:00 still holds data newer than the cutoff and stays.
    const result = await runRetention(db.pool, { spanRetentionHours: 3, rollupRetentionDays: 30, nowMs: NOW });
    expect(result.dropped.sort()).toEqual(["spans_p2026112112", "spans_p2026112113", "spans_p2026112114", "spans_p2026112115"]);
    expect((await spanPartitions(db)).map((p) => p.name)).toEqual([
      "spans_p2026112116",
      "spans_p2026112117",
      "spans_p2026112118",
      "spans_p2026112119",
    ]);
    // The tables are gone, not just detached; recent rows are untouched.
    const { rows: leftovers } = await db.pool.query(
      "SELECT 1 FROM pg_class WHERE relname = 'spans_p2026112113' AND relnamespace = current_schema()::regnamespace",
    );
    expect(leftovers).toHaveLength(0);
    const { rows } = await db.pool.query<{ tag: string; n: string }>(
      "SELECT left(attributes->>'pad', 3) AS tag, count(*) AS n FROM spans GROUP BY 1 ORDER BY 1",
    );
    expect(rows).toEqual([{ tag: "new", n: "5" }]);

    // A dropped hour can be created again (the in-memory cache was invalidated).
    await ensureSpanPartitions(db.pool, [Date.UTC(2026, 10, 21, 13)]);
    expect((await spanPartitions(db)).map((p) => p.name)).toContain("spans_p2026112113");

    // Nothing more to drop: a no-op.
    await runRetention(db.pool, { spanRetentionHours: 48, rollupRetentionDays: 30, nowMs: NOW });
    expect((await runRetention(db.pool, { spanRetentionHours: 48, rollupRetentionDays: 30, nowMs: NOW })).dropped).toEqual([]);
  });

  it("under a storage cap drops the oldest partitions first, never the current hour", async () => {
    const db = await freshDb();
    const starts = [NOW - 3 * HOUR, NOW - 2 * HOUR, NOW - HOUR, NOW, NOW + HOUR];
    await ensureSpanPartitions(db.pool, starts);
    for (const start of starts.slice(0, 4)) await insertSpans(db, Math.floor(start / HOUR) * HOUR, 300);
    const sizes = new Map(
      (
        await db.pool.query<{ name: string; bytes: string }>(
          `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'spans'::regclass`,
        )
      ).rows.map((r) => [r.name, Number(r.bytes)]),
    );
    const size = (name: string) => sizes.get(name) ?? 0;
    // Room for the two newest data partitions (+ the empty future one) but not the third.
    const limit = size("spans_p2026112119") + size("spans_p2026112118") + size("spans_p2026112120") + 1;

    const result = await runRetention(db.pool, {
      spanRetentionHours: 48,
      rollupRetentionDays: 30,
      spanStorageLimitBytes: limit,
      nowMs: NOW,
    });
    expect(result.dropped).toEqual(["spans_p2026112116", "spans_p2026112117"]);
    expect((await spanPartitions(db)).map((p) => p.name)).toEqual([
      "spans_p2026112118",
      "spans_p2026112119",
      "spans_p2026112120",
    ]);

    // A cap smaller than the current hour alone: everything older goes, the current hour stays.
    const tiny = await runRetention(db.pool, {
      spanRetentionHours: 48,
      rollupRetentionDays: 30,
      spanStorageLimitBytes: 1,
      nowMs: NOW,
    });
    expect(tiny.dropped).toEqual(["spans_p2026112118"]);
    expect((await spanPartitions(db)).map((p) => p.name)).toEqual(["spans_p2026112119", "spans_p2026112120"]);
    const { rows } = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM spans");
    expect(rows[0].n).toBe("300");
  });

  it("is generic over daily-partitioned tables listed with their own retention", async () => {
    const db = await freshDb();
    await db.pool.query(
      "CREATE TABLE rollup_demo (bucket timestamptz NOT NULL, service_name text NOT NULL, calls bigint NOT NULL, PRIMARY KEY (service_name, bucket)) PARTITION BY RANGE (bucket)",
    );
    const days = Array.from({ length: 5 }, (_, i) => NOW - i * DAY);
    await ensurePartitions(db.pool, "rollup_demo", "day", days);
    expect((await spanPartitions(db, "rollup_demo")).map((p) => p.name)).toEqual([
      "rollup_demo_p20261117",
      "rollup_demo_p20261118",
      "rollup_demo_p20261119",
      "rollup_demo_p20261120",
      "rollup_demo_p20261121",
    ]);
    const tables: PartitionedTableSpec[] = [
      { table: "spans", unit: "hour", retentionMs: (o) => o.spanRetentionHours * HOUR, storageCapped: true },
      { table: "rollup_demo", unit: "day", retentionMs: (o) => o.rollupRetentionDays * DAY, storageCapped: false },
      { table: "not_migrated_yet", unit: "day", retentionMs: () => DAY, storageCapped: false },
    ];
    // 2 days at 2026-11-21T19:25 → cutoff 11-19T19:25: days ending by then (17th, 18th) go.
    const result = await runRetention(db.pool, { spanRetentionHours: 48, rollupRetentionDays: 2, nowMs: NOW }, tables);
    expect(result.dropped).toEqual(["rollup_demo_p20261117", "rollup_demo_p20261118"]);
  });

  it("lets only one of two concurrent runs do the work", async () => {
    const db = await freshDb();
    await ensureSpanPartitions(db.pool, [NOW - 10 * HOUR, NOW - 9 * HOUR, NOW]);
    const opts = { spanRetentionHours: 2, rollupRetentionDays: 30, nowMs: NOW };
    const [a, b] = await Promise.all([runRetention(db.pool, opts), runRetention(db.pool, opts)]);
    expect([...a.dropped, ...b.dropped].sort()).toEqual(["spans_p2026112109", "spans_p2026112110"]);
  });

  it("finishes a drop that was interrupted after or during the detach", async () => {
    const db = await freshDb();
    await ensureSpanPartitions(db.pool, [NOW - 10 * HOUR, NOW - 9 * HOUR, NOW - HOUR, NOW - 12 * HOUR, NOW]);
    // Interrupted between DETACH and DROP (retention marks before it detaches): plain tables
    // left with a partition's name, one past the retention and one within it (a drop under
    // the storage cap). Both go: retention had decided to drop them.
    for (const name of ["spans_p2026112109", "spans_p2026112118"]) {
      await db.pool.query(`COMMENT ON TABLE ${name} IS '${RETENTION_DROP_MARK}'`);
      await db.pool.query(`ALTER TABLE spans DETACH PARTITION ${name}`);
    }
    // Detached by someone else (no mark): not ours, left alone even past the retention.
    await db.pool.query("ALTER TABLE spans DETACH PARTITION spans_p2026112107");

    // Interrupted during DETACH CONCURRENTLY: an open transaction on spans makes it wait,
    // the timeout cancels it, and the partition is left "detach pending".
    const holder = await db.pool.connect();
    const detacher = await db.pool.connect();
    try {
      await holder.query("BEGIN; SELECT count(*) FROM spans");
      await detacher.query("SET statement_timeout = '300ms'");
      await expect(detacher.query("ALTER TABLE spans DETACH PARTITION spans_p2026112110 CONCURRENTLY")).rejects.toThrow(
        /canceling statement/,
      );
      await detacher.query("RESET statement_timeout");
      await holder.query("COMMIT");
    } finally {
      holder.release();
      detacher.release();
    }
    const { rows: pending } = await db.pool.query<{ inhdetachpending: boolean }>(
      "SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = 'spans_p2026112110'::regclass",
    );
    expect(pending).toEqual([{ inhdetachpending: true }]);

    const result = await runRetention(db.pool, { spanRetentionHours: 2, rollupRetentionDays: 30, nowMs: NOW });
    expect(result.dropped.sort()).toEqual(["spans_p2026112109", "spans_p2026112110", "spans_p2026112118"]);
    const { rows } = await db.pool.query<{ relname: string }>(
      `SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace
          AND relname IN ('spans_p2026112107', 'spans_p2026112109', 'spans_p2026112110', 'spans_p2026112118')`,
    );
    expect(rows).toEqual([{ relname: "spans_p2026112107" }]);
    // Session settings used by retention do not leak into the pool.
    const { rows: settings } = await db.pool.query<{ lt: string; st: string }>(
      "SELECT current_setting('lock_timeout') AS lt, current_setting('statement_timeout') AS st",
    );
    expect(settings).toEqual([{ lt: "0", st: "0" }]);
  });

  it("does not bring back the rows of a drop interrupted between DETACH and DROP", async () => {
    const db = await freshDb();
    const oldHour = Date.UTC(2026, 10, 21, 17);
    await ensureSpanPartitions(db.pool, [oldHour, NOW]);
    await insertSpans(db, oldHour, 50, "old");

    // Interrupt retention between its DETACH and its DROP: the real half-done state, not a
    // hand-made one. The final DROP takes ensure's advisory lock; while we hold it, the DROP
    // waits there and we cancel it.
    const holder = await db.pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [PARTITION_LOCK_KEY, `${db.schema}.spans`]);
      // The storage cap drops everything before the current hour: 17:00 goes.
      const retention = runRetention(db.pool, {
        spanRetentionHours: 48,
        rollupRetentionDays: 30,
        spanStorageLimitBytes: 1,
        nowMs: NOW,
      });
      const settled = retention.then(
        () => undefined,
        (error: Error) => error,
      );
      const deadline = Date.now() + 20_000;
      let cancelled = false;
      while (!cancelled && Date.now() < deadline) {
        // From another connection: inside the holder's transaction pg_stat_activity is a snapshot.
        const { rows } = await db.pool.query<{ cancelled: boolean }>(
          `SELECT pg_cancel_backend(pid) AS cancelled FROM pg_stat_activity
            WHERE application_name = current_setting('application_name') AND pid <> pg_backend_pid()
              AND wait_event = 'advisory' AND query LIKE '%pg_advisory_xact_lock%'`,
        );
        cancelled = rows.some((row) => row.cancelled);
        if (!cancelled) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(cancelled).toBe(true);
      expect((await settled)?.message).toMatch(/canceling statement due to user request/);
      await holder.query("COMMIT");
    } finally {
      holder.release();
    }
    const { rows: leftover } = await db.pool.query<{ attached: boolean; n: string }>(
      "SELECT (SELECT relispartition FROM pg_class WHERE oid = 'spans_p2026112117'::regclass) AS attached, count(*) AS n FROM spans_p2026112117",
    );
    expect(leftover).toEqual([{ attached: false, n: "50" }]);

    // A late span for 17:00 arrives: ensure makes a fresh, empty partition for it.
    await ensureSpanPartitions(db.pool, [oldHour]);
    expect((await spanPartitions(db)).map((p) => p.name)).toEqual(["spans_p2026112117", "spans_p2026112119"]);
    await insertSpans(db, oldHour, 1, "new");
    const { rows } = await db.pool.query<{ tag: string; n: string }>(
      "SELECT left(attributes->>'pad', 3) AS tag, count(*) AS n FROM spans GROUP BY 1 ORDER BY 1",
    );
    expect(rows).toEqual([{ tag: "new", n: "1" }]);
    const { rows: comment } = await db.pool.query("SELECT obj_description('spans_p2026112117'::regclass, 'pg_class') AS c");
    expect(comment).toEqual([{ c: null }]);
  });

  it("keeps the known-partitions cache per owner: another connection of the same pool does not ensure again", async () => {
    const db = await freshDb();
    const hour = NOW + 30 * HOUR;
    const viaPool = NOW + 40 * HOUR;
    await ensureSpanPartitions(db.pool, [viaPool]); // maintenance's pre-creation, through the pool
    const first = await db.pool.connect();
    try {
      await ensureSpanPartitions(first, [hour], db.pool);
    } finally {
      first.release();
    }
    const second = await db.pool.connect();
    try {
      const query = vi.spyOn(second, "query");
      // Known through the pool: no transaction, no catalog queries on this connection.
      await ensureSpanPartitions(second, [hour, viaPool], db.pool);
      expect(query).not.toHaveBeenCalled();
      // Without an owner the connection is its own (empty) cache, so ensure runs again.
      await ensureSpanPartitions(second, [hour]);
      expect(query.mock.calls.map(([sql]) => sql)).toContain("BEGIN");
      query.mockRestore();
    } finally {
      second.release();
    }
    const names = (await spanPartitions(db)).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["spans_p2026112301", "spans_p2026112311"]));
  });

  it("refuses to adopt a detached table that retention did not mark, and leaves it intact", async () => {
    const db = await freshDb();
    await ensureSpanPartitions(db.pool, [NOW]);
    await insertSpans(db, Date.UTC(2026, 10, 21, 19), 3, "kept");
    await db.pool.query("ALTER TABLE spans DETACH PARTITION spans_p2026112119");
    forgetKnownPartitions();
    await expect(ensureSpanPartitions(db.pool, [NOW])).rejects.toThrow(
      /spans_p2026112119 exists but is not a partition of "spans"/,
    );
    const { rows } = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM spans_p2026112119");
    expect(rows).toEqual([{ n: "3" }]);
    expect(await spanPartitions(db)).toEqual([]);
  });
});

describe("missing partitions (another process dropped one this process has cached)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("fail with an error isMissingPartitionError recognizes, for INSERT and COPY; forget + ensure recovers", async () => {
    await ensureSpanPartitions(db.pool, [NOW]);
    // Dropped behind this process's back (plain SQL does not touch the in-memory cache).
    await db.pool.query("ALTER TABLE spans DETACH PARTITION spans_p2026112119; DROP TABLE spans_p2026112119");
    await ensureSpanPartitions(db.pool, [NOW]); // cached: no-op

    const insertError = await insertSpans(db, NOW, 1).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(insertError?.message).toMatch(/no partition of relation "spans" found for row/);
    expect(isMissingPartitionError(insertError)).toBe(true);

    const client = await db.pool.connect();
    try {
      const stream = client.query(
        copyFrom(
          "COPY spans (start_time, duration_ns, resource_id, trace_id, kind, status_code, span_id, service_name, name) FROM STDIN",
        ),
      );
      const copyError = await new Promise<Error | undefined>((resolve) => {
        stream.on("error", resolve);
        stream.on("finish", () => resolve(undefined));
        stream.end("2026-11-21 19:30:00+00\t1\t1\t00000000-0000-0000-0000-000000000001\t1\t0\t\\x01\tsvc\top\n");
      });
      expect(isMissingPartitionError(copyError)).toBe(true);
    } finally {
      client.release();
    }

    // A CHECK constraint violation shares the SQLSTATE but is not a missing partition.
    await db.pool.query("CREATE TABLE checked (x int CHECK (x > 0))");
    const checkError = await db.pool.query("INSERT INTO checked VALUES (-1)").then(
      () => undefined,
      (error: Error) => error,
    );
    expect((checkError as { code?: string } | undefined)?.code).toBe("23514");
    expect(isMissingPartitionError(checkError)).toBe(false);

    forgetKnownPartitions();
    await ensureSpanPartitions(db.pool, [NOW]);
    await insertSpans(db, NOW, 1);
    const { rows } = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM spans");
    expect(rows).toEqual([{ n: "1" }]);
  });
});
