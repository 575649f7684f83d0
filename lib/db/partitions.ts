/**
 * Time partitions: `spans` by hour (`spans_pYYYYMMDDHH`, UTC hour of the range start, range
 * [hour, hour + 1h)), and — once they exist — rollup tables by day (`<table>_pYYYYMMDD`).
 *
 * Lock levels matter on a table that is written and read all the time:
 * - `CREATE TABLE … PARTITION OF` takes ACCESS EXCLUSIVE on the parent, so it would queue
 *   behind a slow dashboard query and stall every insert queued behind it. We create the
 *   table standalone and `ATTACH PARTITION` it, which needs only SHARE UPDATE EXCLUSIVE
 *   (compatible with reads and writes). The table is empty, so the attach scan is instant.
 * - Retention uses `DETACH PARTITION … CONCURRENTLY` then `DROP TABLE`, for the same reason
 *   (a plain DROP of a partition locks the parent exclusively). Never DELETE.
 *
 * A drop is not atomic: a crash between DETACH and DROP leaves a standalone table with a
 * partition's name, still holding the rows retention meant to remove. Retention therefore
 * marks a partition (a table comment, RETENTION_DROP_MARK) before detaching it. A marked
 * standalone table is a leftover: ensure drops it and creates an empty partition instead of
 * re-attaching it, and the next retention run drops it whatever its age. ensure creates and
 * attaches in one transaction, so no session ever sees a partition of ours half created.
 */
import type pg from "pg";
import { quoteIdent } from "@/lib/db/pool";

/** A SQL string literal (for statements that take no parameters, such as COMMENT). */
function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * First key of the two-key advisory locks used here; the second is hashtext('schema.table')
 * (ensure, and retention's final DROP) or hashtext('retention:schema.table') (a retention run).
 */
export const PARTITION_LOCK_KEY = 1651994721; // "bwpa"

/** Comment retention puts on a partition before detaching it: "this table is being dropped". */
export const RETENTION_DROP_MARK = "breakwater: dropped by retention";

/** SQLSTATE of "no partition of relation … found for row" (also of CHECK violations). */
const CHECK_VIOLATION = "23514";

export type PartitionUnit = "hour" | "day";

export type RetentionOptions = {
  spanRetentionHours: number;
  rollupRetentionDays: number;
  /** When set, the oldest span partitions are dropped until the rest fit (never the current hour's). */
  spanStorageLimitBytes?: number;
  nowMs?: number;
};

export type PartitionedTableSpec = {
  /** Parent table (partitioned by RANGE on a timestamptz column). */
  table: string;
  unit: PartitionUnit;
  /** How long a partition is kept after its range ends. */
  retentionMs(opts: RetentionOptions): number;
  /** Whether spanStorageLimitBytes applies to this table. */
  storageCapped: boolean;
};

/**
 * Every time-partitioned table retention manages: spans by hour, the rollup tables by day
 * (written by lib/rollups, which ensures their partitions where rows are written). Tables that
 * do not exist yet are skipped.
 */
const PARTITIONED_TABLES: readonly PartitionedTableSpec[] = [
  { table: "spans", unit: "hour", retentionMs: (o) => o.spanRetentionHours * HOUR_MS, storageCapped: true },
  { table: "service_minute_stats", unit: "day", retentionMs: (o) => o.rollupRetentionDays * DAY_MS, storageCapped: false },
  { table: "service_minute_totals", unit: "day", retentionMs: (o) => o.rollupRetentionDays * DAY_MS, storageCapped: false },
  { table: "edge_minute_stats", unit: "day", retentionMs: (o) => o.rollupRetentionDays * DAY_MS, storageCapped: false },
  // Coarse rollups (lib/rollups/seal-coarse-rollups): recomputed from the minute tables, same retention.
  { table: "service_five_minute_stats", unit: "day", retentionMs: (o) => o.rollupRetentionDays * DAY_MS, storageCapped: false },
  { table: "service_five_minute_totals", unit: "day", retentionMs: (o) => o.rollupRetentionDays * DAY_MS, storageCapped: false },
  { table: "edge_five_minute_stats", unit: "day", retentionMs: (o) => o.rollupRetentionDays * DAY_MS, storageCapped: false },
  { table: "service_quarter_stats", unit: "day", retentionMs: (o) => o.rollupRetentionDays * DAY_MS, storageCapped: false },
  { table: "service_quarter_totals", unit: "day", retentionMs: (o) => o.rollupRetentionDays * DAY_MS, storageCapped: false },
  { table: "edge_quarter_stats", unit: "day", retentionMs: (o) => o.rollupRetentionDays * DAY_MS, storageCapped: false },
];

const UNIT_MS: Record<PartitionUnit, number> = { hour: HOUR_MS, day: DAY_MS };

/** Start of the hour/day (UTC) containing `ms`. */
export function floorToUnit(ms: number, unit: PartitionUnit): number {
  return Math.floor(ms / UNIT_MS[unit]) * UNIT_MS[unit];
}

/** `spans_p2026112119` for the hour starting 2026-11-21T19:00Z; `<table>_p20261121` for a day. */
export function partitionName(table: string, unit: PartitionUnit, startMs: number): string {
  const iso = new Date(floorToUnit(startMs, unit)).toISOString(); // 2026-11-21T19:00:00.000Z
  const day = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
  return `${table}_p${unit === "hour" ? day + iso.slice(11, 13) : day}`;
}

/** Range start (ms) encoded in a partition name, or undefined for names we did not make. */
export function parsePartitionName(table: string, unit: PartitionUnit, name: string): number | undefined {
  const digits = unit === "hour" ? 10 : 8;
  const match = new RegExp(`^${table}_p(\\d{${digits}})$`).exec(name);
  if (!match) return undefined;
  const s = match[1];
  const ms = Date.UTC(
    Number(s.slice(0, 4)),
    Number(s.slice(4, 6)) - 1,
    Number(s.slice(6, 8)),
    unit === "hour" ? Number(s.slice(8, 10)) : 0,
  );
  return partitionName(table, unit, ms) === name ? ms : undefined;
}

// --- ensure ----------------------------------------------------------------------------------

type Queryable = pg.Pool | pg.PoolClient;

function isPoolClient(client: Queryable): client is pg.PoolClient {
  return typeof (client as pg.PoolClient).release === "function";
}

/**
 * Partitions known to exist, per cache owner: one object per database and search_path (tests
 * use many schemas in one process), by default the pool or connection passed in. Callers that
 * check out connections pass the pool (or another per-database object) as the owner, so a
 * fresh connection does not ensure again what another connection of the same database already
 * did. A drop anywhere in this process bumps the generation, which empties every cache.
 */
const knownPartitions = new WeakMap<object, { generation: number; names: Set<string> }>();
let cacheGeneration = 0;

function getCache(key: object): Set<string> {
  let entry = knownPartitions.get(key);
  if (!entry || entry.generation !== cacheGeneration) {
    entry = { generation: cacheGeneration, names: new Set() };
    knownPartitions.set(key, entry);
  }
  return entry.names;
}

/** Forget every cached partition (call after dropping partitions by other means). */
export function forgetKnownPartitions(): void {
  cacheGeneration++;
}

/**
 * True for PostgreSQL's "no partition of relation … found for row": a row's hour has no
 * attached partition, e.g. because another process's retention dropped one this process still
 * has cached. (A CHECK constraint violation has the same SQLSTATE but names its constraint.)
 * Recovery: forgetKnownPartitions(), ensure the hours again, retry the write once.
 */
export function isMissingPartitionError(error: unknown): boolean {
  const fields = error as { code?: unknown; constraint?: unknown } | null;
  return typeof fields === "object" && fields !== null && fields.code === CHECK_VIOLATION && fields.constraint === undefined;
}

/**
 * Makes sure `table` has a partition for each range start given. Idempotent and safe under
 * concurrency (an advisory lock serializes creators; existing partitions are skipped). A
 * leftover of an interrupted retention drop is dropped and replaced by an empty partition;
 * any other table in the way is an error. Runs its own transaction on the connection, so a
 * PoolClient passed in must not be inside one. `cacheOwner` keys the known-partitions cache:
 * it must stand for the database (and search_path) `client` is connected to, e.g. its pool.
 */
export async function ensurePartitions(
  client: Queryable,
  table: string,
  unit: PartitionUnit,
  startsMs: Iterable<number>,
  cacheOwner: object = client,
): Promise<void> {
  const cache = getCache(cacheOwner);
  const wanted = new Map<string, number>();
  for (const startMs of startsMs) {
    const start = floorToUnit(startMs, unit);
    const name = partitionName(table, unit, start);
    if (!cache.has(name)) wanted.set(name, start);
  }
  if (wanted.size === 0) return;

  const connection = isPoolClient(client) ? client : await client.connect();
  let failed: Error | undefined;
  try {
    await connection.query("BEGIN");
    // Bounded wait: if DDL cannot get its lock, fail this call (the caller retries) rather
    // than queue indefinitely. ATTACH's lock does not conflict with reads or writes.
    await connection.query("SET LOCAL lock_timeout = '10s'");
    const parent = await resolveParent(connection, table);
    await connection.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [PARTITION_LOCK_KEY, `${parent.schema}.${table}`]);
    const existing = new Map((await listPartitions(connection, parent.oid)).map((p) => [p.name, p.detachPending]));
    const standalone = new Map(
      (await listStandaloneTables(connection, parent.schema, table)).map((t) => [t.name, t.markedForDrop]),
    );
    const qualifiedParent = `${quoteIdent(parent.schema)}.${quoteIdent(table)}`;
    for (const [name, start] of wanted) {
      const detachPending = existing.get(name);
      if (detachPending !== undefined) {
        // Being detached by retention: rows for it fail until the drop finishes and a later
        // call creates it afresh, so do not remember it as present.
        if (detachPending) wanted.delete(name);
        continue;
      }
      const qualified = `${quoteIdent(parent.schema)}.${quoteIdent(name)}`;
      const markedForDrop = standalone.get(name);
      if (markedForDrop === false) {
        throw new Error(
          `${parent.schema}.${name} exists but is not a partition of "${table}" and was not detached by retention; ` +
            "refusing to attach its rows or drop it (rename or drop it by hand)",
        );
      }
      // A retention drop interrupted after DETACH: its rows were meant to go. Re-attaching
      // would bring them back (and they would count against the storage cap again).
      if (markedForDrop === true) await connection.query(`DROP TABLE ${qualified}`);
      const from = new Date(start).toISOString();
      const to = new Date(start + UNIT_MS[unit]).toISOString();
      await connection.query(
        `CREATE TABLE ${qualified} (LIKE ${qualifiedParent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION)`,
      );
      await connection.query(
        `ALTER TABLE ${qualifiedParent} ATTACH PARTITION ${qualified} FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
    }
    await connection.query("COMMIT");
  } catch (error) {
    failed = error as Error;
    await connection.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    if (connection !== client) connection.release(failed);
  }
  for (const name of wanted.keys()) cache.add(name);
}

/** `ensurePartitions` for the hourly `spans` table (the shared contract). */
export async function ensureSpanPartitions(
  client: Queryable,
  hourStartsMs: Iterable<number>,
  cacheOwner: object = client,
): Promise<void> {
  await ensurePartitions(client, "spans", "hour", hourStartsMs, cacheOwner);
}

/** Creates the current and next 2 hours' span partitions, and today's and tomorrow's for daily tables. */
export async function ensureUpcomingPartitions(pool: pg.Pool, nowMs: number = Date.now()): Promise<void> {
  for (const spec of PARTITIONED_TABLES) {
    if (!(await tableExists(pool, spec.table))) continue;
    const start = floorToUnit(nowMs, spec.unit);
    const count = spec.unit === "hour" ? 3 : 2;
    const starts = Array.from({ length: count }, (_, i) => start + i * UNIT_MS[spec.unit]);
    await ensurePartitions(pool, spec.table, spec.unit, starts);
  }
}

// --- catalog -----------------------------------------------------------------------------------

async function resolveParent(client: pg.PoolClient, table: string): Promise<{ oid: number; schema: string }> {
  const { rows } = await client.query<{ oid: number; schema: string }>(
    `SELECT c.oid::int8 AS oid, n.nspname AS schema
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1) AND c.relkind = 'p'`,
    [quoteIdent(table)],
  );
  if (rows.length === 0)
    throw new Error(`"${table}" is not a partitioned table in the current search_path (is the database migrated?)`);
  return { oid: Number(rows[0].oid), schema: rows[0].schema };
}

async function tableExists(client: Queryable, table: string): Promise<boolean> {
  const { rows } = await client.query<{ exists: boolean }>("SELECT to_regclass($1) IS NOT NULL AS exists", [quoteIdent(table)]);
  return rows[0].exists;
}

export type PartitionInfo = { name: string; bytes: number; detachPending: boolean };

/** Partitions attached to a parent (by oid), from pg_inherits, with their total size on disk. */
async function listPartitions(client: Queryable, parentOid: number): Promise<PartitionInfo[]> {
  const { rows } = await client.query<{ name: string; bytes: string; detach_pending: boolean }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes, i.inhdetachpending AS detach_pending
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = $1::oid`,
    [parentOid],
  );
  return rows.map((row) => ({ name: row.name, bytes: Number(row.bytes), detachPending: row.detach_pending }));
}

/**
 * Plain tables named like our partitions but not attached, and whether retention marked them
 * (a drop interrupted between DETACH and DROP). Unmarked ones are not ours to touch.
 */
async function listStandaloneTables(
  client: Queryable,
  schema: string,
  table: string,
): Promise<{ name: string; markedForDrop: boolean }[]> {
  const { rows } = await client.query<{ name: string; marked: boolean }>(
    `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') IS NOT DISTINCT FROM $3 AS marked
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname LIKE $2 AND NOT c.relispartition`,
    [schema, `${table.replaceAll("_", "\\_")}\\_p%`, RETENTION_DROP_MARK],
  );
  return rows.map((row) => ({ name: row.name, markedForDrop: row.marked }));
}

/**
 * Drops `name` if it is still a standalone table marked by retention. Holds ensure's advisory
 * lock, so it cannot drop a partition that ensure has just created under the same name.
 */
async function dropMarkedLeftover(client: pg.PoolClient, schema: string, table: string, name: string): Promise<boolean> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [PARTITION_LOCK_KEY, `${schema}.${table}`]);
    const { rows } = await client.query(
      `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = 'r' AND NOT c.relispartition
          AND obj_description(c.oid, 'pg_class') = $3`,
      [schema, name, RETENTION_DROP_MARK],
    );
    if (rows.length > 0) await client.query(`DROP TABLE ${quoteIdent(schema)}.${quoteIdent(name)}`);
    await client.query("COMMIT");
    return rows.length > 0;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

// --- retention ---------------------------------------------------------------------------------

/**
 * Drops whole partitions whose range ended more than the retention ago, then — for tables
 * under the storage cap — the oldest partitions until the remaining ones fit, never the
 * current one or later. Only partitions named by this module are considered. If another
 * process is running retention on the same schema, this call does nothing.
 */
export async function runRetention(
  pool: pg.Pool,
  opts: RetentionOptions,
  tables: readonly PartitionedTableSpec[] = PARTITIONED_TABLES,
): Promise<{ dropped: string[] }> {
  const nowMs = opts.nowMs ?? Date.now();
  const dropped: string[] = [];
  // DETACH … CONCURRENTLY cannot run in a transaction: one dedicated connection, autocommit.
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    // DETACH … CONCURRENTLY waits for every transaction that uses the parent; an idle-in-
    // transaction session must not hang maintenance forever. An interrupted detach leaves the
    // partition "detach pending", which the next run finalizes.
    await client.query("SET lock_timeout = '10s'; SET statement_timeout = '5min'");
    for (const spec of tables) {
      if (!(await tableExists(client, spec.table))) continue;
      const parent = await resolveParent(client, spec.table);
      const lockKey = `retention:${parent.schema}.${spec.table}`;
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked", [
        PARTITION_LOCK_KEY,
        lockKey,
      ]);
      if (!rows[0].locked) continue;
      try {
        dropped.push(...(await retainTable(client, spec, parent, opts, nowMs)));
      } finally {
        await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [PARTITION_LOCK_KEY, lockKey]);
      }
    }
  } catch (error) {
    failed = error as Error;
    throw error;
  } finally {
    if (dropped.length > 0) forgetKnownPartitions();
    // Session settings would otherwise stay on the pooled connection.
    if (!failed) await client.query("RESET lock_timeout; RESET statement_timeout").catch((error: Error) => (failed = error));
    client.release(failed);
  }
  return { dropped };
}

async function retainTable(
  client: pg.PoolClient,
  spec: PartitionedTableSpec,
  parent: { oid: number; schema: string },
  opts: RetentionOptions,
  nowMs: number,
): Promise<string[]> {
  const unitMs = UNIT_MS[spec.unit];
  const cutoff = nowMs - spec.retentionMs(opts);
  const currentStart = floorToUnit(nowMs, spec.unit);
  const qualifiedParent = `${quoteIdent(parent.schema)}.${quoteIdent(spec.table)}`;
  const dropped: string[] = [];

  const drop = async (partition: PartitionInfo) => {
    const qualified = `${quoteIdent(parent.schema)}.${quoteIdent(partition.name)}`;
    // Mark first, so that if we stop after DETACH the table is known to be a leftover.
    // COMMENT takes SHARE UPDATE EXCLUSIVE on the partition only: reads and writes go on.
    await client.query(`COMMENT ON TABLE ${qualified} IS ${quoteLiteral(RETENTION_DROP_MARK)}`);
    try {
      const mode = partition.detachPending ? "FINALIZE" : "CONCURRENTLY";
      await client.query(`ALTER TABLE ${qualifiedParent} DETACH PARTITION ${qualified} ${mode}`);
    } finally {
      // Even a failed DETACH CONCURRENTLY may have left it detach-pending (not routable).
      forgetKnownPartitions();
    }
    if (await dropMarkedLeftover(client, parent.schema, spec.table, partition.name)) dropped.push(partition.name);
  };

  const partitions = (await listPartitions(client, parent.oid))
    .map((p) => ({ ...p, startMs: parsePartitionName(spec.table, spec.unit, p.name) }))
    .filter((p): p is PartitionInfo & { startMs: number } => p.startMs !== undefined)
    .sort((a, b) => a.startMs - b.startMs);

  // 1. Age: the whole range is older than the retention.
  const kept: typeof partitions = [];
  for (const partition of partitions) {
    if (partition.startMs + unitMs <= cutoff) await drop(partition);
    else kept.push(partition);
  }

  // Leftovers of an interrupted drop (marked, detached, not dropped), whatever their age:
  // retention decided to drop them (maybe under the storage cap), so the decision stands.
  for (const { name, markedForDrop } of await listStandaloneTables(client, parent.schema, spec.table)) {
    if (markedForDrop && (await dropMarkedLeftover(client, parent.schema, spec.table, name))) dropped.push(name);
  }

  // 2. Size: oldest first, until the remaining partitions fit under the cap.
  const limit = opts.spanStorageLimitBytes;
  if (spec.storageCapped && limit !== undefined) {
    let total = kept.reduce((sum, p) => sum + p.bytes, 0);
    for (const partition of kept) {
      if (total <= limit || partition.startMs >= currentStart) break;
      await drop(partition);
      total -= partition.bytes;
    }
  }
  return dropped;
}
