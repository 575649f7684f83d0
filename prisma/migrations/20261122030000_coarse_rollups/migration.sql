-- Coarse rollups: the minute rollups summed per 5-minute period and per quarter hour (periods
-- aligned to multiples of their length since the epoch), so that long windows merge one
-- histogram per period instead of one per minute: a 24 h service chart in 15-minute buckets
-- reads 96 quarter rows, each already one bucket's histogram, instead of 1,440 minute rows;
-- a 6 h chart in 5-minute buckets reads 72 five-minute rows. Same columns and keys as the
-- minute tables; "minute" is the period's first minute. The span writer never writes these:
-- maintenance (lib/rollups/seal-coarse-rollups) recomputes them from the minute rows with
-- INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE, for periods that ended a grace time
-- ago, and records in rollup_progress up to when they are complete ("sealed"). Reads
-- (lib/queries/rollup-window-ranges) take sealed periods from here and every other minute
-- of a window from the minute tables.
--
-- Range-partitioned by day on "minute" like the minute tables, with the same retention
-- (BREAKWATER_ROLLUP_RETENTION_DAYS; lib/db/partitions). A period never crosses a day.

-- CreateTable
CREATE TABLE "service_five_minute_stats" (
    "minute" TIMESTAMPTZ(6) NOT NULL,
    "calls" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "duration_sum_us" BIGINT NOT NULL,
    "span_kind" SMALLINT NOT NULL,
    "service_name" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "bucket_ids" INTEGER[] NOT NULL,
    "bucket_counts" BIGINT[] NOT NULL,

    CONSTRAINT "service_five_minute_stats_pkey" PRIMARY KEY ("service_name","minute","operation","span_kind")
) PARTITION BY RANGE ("minute");

-- CreateIndex
CREATE INDEX "service_five_minute_stats_minute_idx" ON "service_five_minute_stats"("minute");

-- CreateTable
CREATE TABLE "service_five_minute_totals" (
    "minute" TIMESTAMPTZ(6) NOT NULL,
    "calls" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "duration_sum_us" BIGINT NOT NULL,
    "span_kind" SMALLINT NOT NULL,
    "service_name" TEXT NOT NULL,
    "bucket_ids" INTEGER[] NOT NULL,
    "bucket_counts" BIGINT[] NOT NULL,

    CONSTRAINT "service_five_minute_totals_pkey" PRIMARY KEY ("service_name","minute","span_kind")
) PARTITION BY RANGE ("minute");

-- CreateIndex
CREATE INDEX "service_five_minute_totals_minute_idx" ON "service_five_minute_totals"("minute");

-- CreateTable
CREATE TABLE "edge_five_minute_stats" (
    "minute" TIMESTAMPTZ(6) NOT NULL,
    "calls" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "duration_sum_us" BIGINT NOT NULL,
    "is_virtual" BOOLEAN NOT NULL,
    "caller_service" TEXT NOT NULL,
    "callee" TEXT NOT NULL,
    "bucket_ids" INTEGER[] NOT NULL,
    "bucket_counts" BIGINT[] NOT NULL,

    CONSTRAINT "edge_five_minute_stats_pkey" PRIMARY KEY ("caller_service","minute","callee","is_virtual")
) PARTITION BY RANGE ("minute");

-- CreateIndex
CREATE INDEX "edge_five_minute_stats_minute_idx" ON "edge_five_minute_stats"("minute");

-- CreateTable
CREATE TABLE "service_quarter_stats" (
    "minute" TIMESTAMPTZ(6) NOT NULL,
    "calls" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "duration_sum_us" BIGINT NOT NULL,
    "span_kind" SMALLINT NOT NULL,
    "service_name" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "bucket_ids" INTEGER[] NOT NULL,
    "bucket_counts" BIGINT[] NOT NULL,

    CONSTRAINT "service_quarter_stats_pkey" PRIMARY KEY ("service_name","minute","operation","span_kind")
) PARTITION BY RANGE ("minute");

-- CreateIndex
CREATE INDEX "service_quarter_stats_minute_idx" ON "service_quarter_stats"("minute");

-- CreateTable
CREATE TABLE "service_quarter_totals" (
    "minute" TIMESTAMPTZ(6) NOT NULL,
    "calls" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "duration_sum_us" BIGINT NOT NULL,
    "span_kind" SMALLINT NOT NULL,
    "service_name" TEXT NOT NULL,
    "bucket_ids" INTEGER[] NOT NULL,
    "bucket_counts" BIGINT[] NOT NULL,

    CONSTRAINT "service_quarter_totals_pkey" PRIMARY KEY ("service_name","minute","span_kind")
) PARTITION BY RANGE ("minute");

-- CreateIndex
CREATE INDEX "service_quarter_totals_minute_idx" ON "service_quarter_totals"("minute");

-- CreateTable
CREATE TABLE "edge_quarter_stats" (
    "minute" TIMESTAMPTZ(6) NOT NULL,
    "calls" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "duration_sum_us" BIGINT NOT NULL,
    "is_virtual" BOOLEAN NOT NULL,
    "caller_service" TEXT NOT NULL,
    "callee" TEXT NOT NULL,
    "bucket_ids" INTEGER[] NOT NULL,
    "bucket_counts" BIGINT[] NOT NULL,

    CONSTRAINT "edge_quarter_stats_pkey" PRIMARY KEY ("caller_service","minute","callee","is_virtual")
) PARTITION BY RANGE ("minute");

-- CreateIndex
CREATE INDEX "edge_quarter_stats_minute_idx" ON "edge_quarter_stats"("minute");

-- CreateTable
-- One row, rollup = 'coarse': every coarse row of a period that ends at or before
-- sealed_until (a multiple of 5 minutes) was computed from the minute rows after the period
-- ended plus the grace time. No row: nothing sealed yet (reads use the minute tables only).
CREATE TABLE "rollup_progress" (
    "rollup" TEXT NOT NULL,
    "sealed_until" TIMESTAMPTZ(6) NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "rollup_progress_pkey" PRIMARY KEY ("rollup")
);
