/**
 * One pass of the coarse rollups' maintenance: (re)computes the 5-minute and quarter-hour rows
 * (service_five_minute_totals, …, edge_quarter_stats; lib/rollups/rollup-levels) from the
 * minute rows, and advances rollup_progress.sealed_until, the point up to which every coarse
 * period's rows are complete. Reads use a coarse row only for a period that ends by then.
 *
 * Each pass recomputes, in order:
 * 1. the dirty periods this process noted (noteCommittedRollupMinutes: rows committed for a
 *    period that may have been sealed already) that step 2 does not cover;
 * 2. every 5-minute period from min(sealed_until, now − RECOMPUTE_HORIZON_MS) — or from the
 *    earliest minute row, the first time — up to the last one that ended SEAL_GRACE_MS ago,
 *    and moves sealed_until there.
 * A range of 5-minute periods also recomputes every quarter it touches, from the quarter's
 * minute rows: a quarter that reaches past the sealed range is computed from the rows so far
 * and recomputed by the pass that seals its end, before any read uses it. Step 2 is cut into
 * chunks of at most an hour, each its own transaction with a statement timeout, so a first
 * pass over weeks of minute rows (or one after a long stop) advances chunk by chunk and never
 * runs one huge statement.
 *
 * A recompute is INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE SET … = excluded: the
 * sums, and the histograms merged in SQL (unnest, sum per bucket, array_agg in bucket
 * order), so a coarse row always equals the sum of its minute rows as of the statement's
 * snapshot, however often it is recomputed. Rows whose values did not change are not
 * rewritten. Every chunk takes a transaction-level advisory lock first (try-lock): when
 * another process holds it, this pass stops and leaves the work to that one.
 *
 * Late rows: a span (or an unpaired client's edge) whose period was sealed before it was
 * written shows in reads that use coarse rows (windows of 5 minutes and more, buckets that
 * are multiples of 5 minutes) once a pass has recomputed the period — the next one, woken
 * at once when this process wrote the row; from another process within RECOMPUTE_HORIZON_MS,
 * by the regular passes. Rows written more than that after their period by another process
 * (or noted by a process that stopped before recomputing them) are not in the coarse rows:
 * a known limitation.
 */
import type pg from "pg";
import { ensurePartitions } from "@/lib/db/partitions";
import { localStatementTimeoutSql } from "@/lib/db/set-local-statement-timeout";
import {
  COARSE_PERIOD_MS,
  COARSE_ROLLUP,
  COARSE_TABLES,
  LEVEL_PERIOD_MS,
  RECOMPUTE_HORIZON_MS,
  ROLLUP_FAMILIES,
  type RollupFamily,
  SEAL_GRACE_MS,
  ceilToPeriod,
  floorToPeriod,
} from "./rollup-levels";
import { restoreDirtyPeriods, takeDirtyPeriods } from "./note-committed-rollup-minutes";
import { withTransaction } from "@/lib/db/with-transaction";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Most minute time one recompute statement reads. */
const CHUNK_MS = HOUR_MS;

/** First key of the advisory lock; the second is hashtext(<schema>.rollup_progress). */
export const COARSE_ROLLUP_LOCK_KEY = 1651798883; // "bwcr"

export type SealCoarseRollupsOptions = {
  nowMs?: number;
  graceMs?: number;
  horizonMs?: number;
  /** Per statement. Default 60 s. */
  statementTimeoutMs?: number;
  /** What stands for the database in the dirty-period and partition caches. Default: the pool. */
  owner?: object;
  /** Checked between chunks: true stops the pass (shutdown). */
  shouldStop?: () => boolean;
};

export type SealCoarseRollupsResult = {
  /** False when another process held the lock (or shouldStop) before all the work was done. */
  completed: boolean;
  /** rollup_progress.sealed_until after the pass (epoch ms); null while nothing is sealed. */
  sealedUntilMs: number | null;
  /** Periods recomputed. */
  periods: number;
};

type Range = { fromMs: number; toMs: number };

/** The INSERT … SELECT recomputing one coarse table of `family` from its minute rows in [$1, $2). */
function recomputeSql(family: RollupFamily, level: "five_minute" | "quarter"): string {
  const k = family.keys.join(", ");
  const measures = ["calls", "errors", "duration_sum_us", "bucket_ids", "bucket_counts"];
  return `
    WITH source AS MATERIALIZED (
      SELECT ${k}, date_bin('${LEVEL_PERIOD_MS[level] / 1000} seconds', minute, TIMESTAMPTZ 'epoch') AS period,
             calls, errors, duration_sum_us, bucket_ids, bucket_counts
        FROM ${family.tables.minute}
       WHERE minute >= $1 AND minute < $2
    ), sums AS (
      SELECT ${k}, period, sum(calls)::int8 AS calls, sum(errors)::int8 AS errors, sum(duration_sum_us)::int8 AS duration_sum_us
        FROM source
       GROUP BY ${k}, period
    ), merged AS (
      SELECT ${k}, period, b, sum(c)::int8 AS c
        FROM (SELECT ${k}, period, unnest(bucket_ids) AS b, unnest(bucket_counts) AS c FROM source) AS e
       GROUP BY ${k}, period, b
    ), histograms AS (
      SELECT ${k}, period, array_agg(b ORDER BY b) AS bucket_ids, array_agg(c ORDER BY b) AS bucket_counts
        FROM merged
       GROUP BY ${k}, period
    )
    INSERT INTO ${family.tables[level]} AS t (minute, calls, errors, duration_sum_us, ${k}, bucket_ids, bucket_counts)
    SELECT period, calls, errors, duration_sum_us, ${k}, coalesce(bucket_ids, '{}'), coalesce(bucket_counts, '{}')
      FROM sums LEFT JOIN histograms USING (${k}, period)
    ON CONFLICT (${k}, minute) DO UPDATE
       SET ${measures.map((m) => `${m} = excluded.${m}`).join(", ")}
     WHERE (${measures.map((m) => `t.${m}`).join(", ")}) IS DISTINCT FROM (${measures.map((m) => `excluded.${m}`).join(", ")})`;
}

const RECOMPUTE_FIVE_MINUTES_SQL = ROLLUP_FAMILIES.map((family) => recomputeSql(family, "five_minute"));
const RECOMPUTE_QUARTERS_SQL = ROLLUP_FAMILIES.map((family) => recomputeSql(family, "quarter"));

/** rollup_progress.sealed_until of the coarse rollups (epoch ms), null before the first seal. */
export async function readSealedUntil(client: pg.Pool | pg.PoolClient): Promise<number | null> {
  const { rows } = await client.query<{ sealed_until_ms: string }>(
    `SELECT (extract(epoch FROM sealed_until) * 1000)::int8 AS sealed_until_ms FROM rollup_progress WHERE rollup = $1`,
    [COARSE_ROLLUP],
  );
  return rows.length === 0 ? null : Number(rows[0].sealed_until_ms);
}

/** The earliest minute in the minute tables (epoch ms), null when they are empty. */
async function readEarliestMinute(pool: pg.Pool): Promise<number | null> {
  const { rows } = await pool.query<{ first_ms: string | null }>(
    `SELECT (extract(epoch FROM least(${ROLLUP_FAMILIES.map((f) => `(SELECT min(minute) FROM ${f.tables.minute})`).join(", ")})) * 1000)::int8
              AS first_ms`,
  );
  return rows[0].first_ms === null ? null : Number(rows[0].first_ms);
}

/** Consecutive periods as ranges, none longer than CHUNK_MS. */
function rangesOfPeriods(periods: readonly number[]): Range[] {
  const ranges: Range[] = [];
  for (const period of periods) {
    const last = ranges.at(-1);
    if (last !== undefined && last.toMs === period && last.toMs - last.fromMs < CHUNK_MS) last.toMs += COARSE_PERIOD_MS;
    else ranges.push({ fromMs: period, toMs: period + COARSE_PERIOD_MS });
  }
  return ranges;
}

/** [fromMs, toMs) cut at multiples of CHUNK_MS. */
function chunksOf(fromMs: number, toMs: number): Range[] {
  const chunks: Range[] = [];
  for (let start = fromMs; start < toMs;) {
    const end = Math.min(toMs, (Math.floor(start / CHUNK_MS) + 1) * CHUNK_MS);
    chunks.push({ fromMs: start, toMs: end });
    start = end;
  }
  return chunks;
}

/**
 * Recomputes the 5-minute rows of [range.fromMs, range.toMs) and the quarter rows of every
 * quarter it touches in one transaction and, with
 * `seal`, moves sealed_until up to range.toMs if it was at or after range.fromMs (or unset).
 * False when another process holds the lock.
 */
async function recomputeRange(
  pool: pg.Pool,
  range: Range,
  seal: boolean,
  statementTimeoutMs: number,
  owner: object,
): Promise<boolean> {
  const days = new Set<number>();
  const quarterFromMs = floorToPeriod(range.fromMs, LEVEL_PERIOD_MS.quarter);
  const quarterToMs = ceilToPeriod(range.toMs, LEVEL_PERIOD_MS.quarter);
  for (let day = Math.floor(quarterFromMs / DAY_MS) * DAY_MS; day < quarterToMs; day += DAY_MS) days.add(day);
  // Own short transactions, before ours (as the writer does for the minute tables).
  for (const table of COARSE_TABLES) await ensurePartitions(pool, table, "day", days, owner);

  // work_mem: an hour of a busy service's operations unnests to a few hundred thousand rows.
  return withTransaction(
    pool,
    async (client) => {
      const { rows } = await client.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_xact_lock($1, hashtext(current_schema() || '.rollup_progress')) AS locked",
        [COARSE_ROLLUP_LOCK_KEY],
      );
      if (!rows[0].locked) {
        return false;
      }
      const iso = (ms: number) => new Date(ms).toISOString();
      for (const sql of RECOMPUTE_FIVE_MINUTES_SQL) await client.query(sql, [iso(range.fromMs), iso(range.toMs)]);
      for (const sql of RECOMPUTE_QUARTERS_SQL) await client.query(sql, [iso(quarterFromMs), iso(quarterToMs)]);
      if (seal) {
        await client.query(
          `INSERT INTO rollup_progress AS p (rollup, sealed_until, updated_at) VALUES ($1, $3, now())
           ON CONFLICT (rollup) DO UPDATE SET sealed_until = excluded.sealed_until, updated_at = excluded.updated_at
            WHERE p.sealed_until >= $2 AND p.sealed_until < excluded.sealed_until`,
          [COARSE_ROLLUP, iso(range.fromMs), iso(range.toMs)],
        );
      }
      return true;
    },
    {
      begin: `BEGIN; ${localStatementTimeoutSql(statementTimeoutMs)}; SET LOCAL work_mem = '64MB'`,
      commitIf: (sealed) => sealed,
    },
  );
}

export async function sealCoarseRollups(pool: pg.Pool, options: SealCoarseRollupsOptions = {}): Promise<SealCoarseRollupsResult> {
  const nowMs = options.nowMs ?? Date.now();
  const owner = options.owner ?? pool;
  const statementTimeoutMs = options.statementTimeoutMs ?? 60_000;
  // Periods starting before sealTo ended at least a grace time ago.
  const sealTo = floorToPeriod(nowMs - (options.graceMs ?? SEAL_GRACE_MS));
  const horizonFrom = Math.min(floorToPeriod(nowMs - (options.horizonMs ?? RECOMPUTE_HORIZON_MS)), sealTo);

  const dirty = takeDirtyPeriods(owner);
  // Dirty periods not recomputed yet; given back if the pass does not get to them.
  let pending = dirty;
  try {
    const sealedUntil = await readSealedUntil(pool);
    let from: number;
    if (sealedUntil !== null) from = Math.min(sealedUntil, horizonFrom);
    else {
      const earliest = await readEarliestMinute(pool);
      // Nothing written yet: nothing to seal (dirty periods, if any, are given back).
      if (earliest === null) return { completed: true, sealedUntilMs: null, periods: 0 };
      from = Math.min(floorToPeriod(earliest), horizonFrom);
    }
    const work = [
      ...rangesOfPeriods(dirty.filter((period) => period < from)).map((range) => ({ range, seal: false })),
      ...chunksOf(from, sealTo).map((range) => ({ range, seal: true })),
    ];
    let periods = 0;
    for (const { range, seal } of work) {
      if (options.shouldStop?.() === true) return { completed: false, sealedUntilMs: await readSealedUntil(pool), periods };
      if (!(await recomputeRange(pool, range, seal, statementTimeoutMs, owner))) {
        return { completed: false, sealedUntilMs: await readSealedUntil(pool), periods };
      }
      periods += (range.toMs - range.fromMs) / COARSE_PERIOD_MS;
      pending = pending.filter((period) => period < range.fromMs || period >= range.toMs);
    }
    // Dirty periods from sealTo on are not sealed; the passes that seal them read their rows.
    pending = [];
    return { completed: true, sealedUntilMs: await readSealedUntil(pool), periods };
  } finally {
    restoreDirtyPeriods(owner, pending);
  }
}
