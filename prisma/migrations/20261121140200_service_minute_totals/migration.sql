-- Per-minute stats per service and span kind over all its operations: what the overview and
-- the service detail charts read. Summing service_minute_stats over operations gives the same
-- numbers, but for a service with 20 operations a 24 h window then merges 28,800 histograms
-- (≈ 450 ms here) instead of 1,440 (≈ 25 ms). Written by lib/rollups in the same upsert
-- transaction; daily partitions like the other rollup tables.

-- CreateTable
CREATE TABLE "service_minute_totals" (
    "minute" TIMESTAMPTZ(6) NOT NULL,
    "calls" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "duration_sum_us" BIGINT NOT NULL,
    "span_kind" SMALLINT NOT NULL,
    "service_name" TEXT NOT NULL,
    "bucket_ids" INTEGER[] NOT NULL,
    "bucket_counts" BIGINT[] NOT NULL,

    CONSTRAINT "service_minute_totals_pkey" PRIMARY KEY ("service_name","minute","span_kind")
) PARTITION BY RANGE ("minute");

-- CreateIndex
CREATE INDEX "service_minute_totals_minute_idx" ON "service_minute_totals"("minute");
