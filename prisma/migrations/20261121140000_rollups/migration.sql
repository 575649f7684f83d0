-- Rollups written at ingest, in the same transaction as the spans they summarize (lib/rollups):
-- per-minute stats per service operation, and per-minute stats per edge (caller service →
-- callee service or virtual node), each with a latency histogram. Dashboards read these,
-- never raw spans.
--
-- Histograms are sparse fixed log-scale buckets (lib/rollups/log-histogram.ts: bucket
-- i = ceil(ln(µs) / ln 1.04), bucket 0 = ≤ 1 µs) stored as two parallel arrays sorted by
-- bucket: bucket_ids int4[] and bucket_counts int8[]. Arrays rather than jsonb: about half
-- the bytes (no key text, no numeric), and unnest(bucket_ids, bucket_counts) yields typed
-- rows that sum and group without casts, which is what both the upsert merge and every
-- percentile read do.
--
-- The tables are range-partitioned by day on "minute" (partitions are created and dropped
-- at run time by lib/db/partitions, retention BREAKWATER_ROLLUP_RETENTION_DAYS). Primary
-- keys lead with the service, the Citus distribution column, then the minute; the extra
-- index on "minute" serves the all-services window reads (overview, topology).

-- CreateTable
CREATE TABLE "service_minute_stats" (
    "minute" TIMESTAMPTZ(6) NOT NULL,
    "calls" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "duration_sum_us" BIGINT NOT NULL,
    "span_kind" SMALLINT NOT NULL,
    "service_name" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "bucket_ids" INTEGER[] NOT NULL,
    "bucket_counts" BIGINT[] NOT NULL,

    CONSTRAINT "service_minute_stats_pkey" PRIMARY KEY ("service_name","minute","operation","span_kind")
) PARTITION BY RANGE ("minute");

-- CreateIndex
CREATE INDEX "service_minute_stats_minute_idx" ON "service_minute_stats"("minute");

-- CreateTable
-- One row per (caller, callee, minute of the client span's start); calls, errors and
-- latency are the CLIENT (or PRODUCER) span's. callee is a service name, or for a virtual
-- node (is_virtual) the peer the client named: db.system(.name), messaging.system,
-- peer.service or server.address.
CREATE TABLE "edge_minute_stats" (
    "minute" TIMESTAMPTZ(6) NOT NULL,
    "calls" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "duration_sum_us" BIGINT NOT NULL,
    "is_virtual" BOOLEAN NOT NULL,
    "caller_service" TEXT NOT NULL,
    "callee" TEXT NOT NULL,
    "bucket_ids" INTEGER[] NOT NULL,
    "bucket_counts" BIGINT[] NOT NULL,

    CONSTRAINT "edge_minute_stats_pkey" PRIMARY KEY ("caller_service","minute","callee","is_virtual")
) PARTITION BY RANGE ("minute");

-- CreateIndex
CREATE INDEX "edge_minute_stats_minute_idx" ON "edge_minute_stats"("minute");

-- The sum of two sparse histograms, sorted by bucket (the ON CONFLICT merge of the upserts:
-- SET (bucket_ids, bucket_counts) = (SELECT * FROM rollup_histogram_add(...))). A merge walk
-- over the two sorted arrays (PL/pgSQL) rather than unnest + GROUP BY: the ON CONFLICT merge
-- of a batch's rollup rows costs about a quarter as much (1,260 conflicting rows of ~40
-- buckets: 66 ms instead of 158 ms here). Inputs and output sorted by bucket id, counts of
-- equal ids added.
CREATE FUNCTION "rollup_histogram_add"(
    a_ids INTEGER[], a_counts BIGINT[], b_ids INTEGER[], b_counts BIGINT[],
    OUT bucket_ids INTEGER[], OUT bucket_counts BIGINT[])
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    i INTEGER := 1;
    j INTEGER := 1;
    na INTEGER := coalesce(array_length(a_ids, 1), 0);
    nb INTEGER := coalesce(array_length(b_ids, 1), 0);
BEGIN
    bucket_ids := '{}';
    bucket_counts := '{}';
    WHILE i <= na OR j <= nb LOOP
        IF j > nb OR (i <= na AND a_ids[i] < b_ids[j]) THEN
            bucket_ids := bucket_ids || a_ids[i];
            bucket_counts := bucket_counts || a_counts[i];
            i := i + 1;
        ELSIF i > na OR b_ids[j] < a_ids[i] THEN
            bucket_ids := bucket_ids || b_ids[j];
            bucket_counts := bucket_counts || b_counts[j];
            j := j + 1;
        ELSE
            bucket_ids := bucket_ids || a_ids[i];
            bucket_counts := bucket_counts || (a_counts[i] + b_counts[j]);
            i := i + 1;
            j := j + 1;
        END IF;
    END LOOP;
END
$$;

-- Quantiles (each in [0, 1]) of a histogram given as bucket ids and counts in any order,
-- repeated ids allowed (e.g. array_agg over unnest(bucket_ids, bucket_counts) of many rows).
-- Nearest rank, as percentile_disc: the bucket holding rank max(1, ceil(q * n)), reported
-- as 2 * 1.04^i / 2.04 µs (within 1.96 % of every value in the bucket). NULL entries when
-- the histogram is empty. γ = 1.04 must match lib/rollups/log-histogram.ts.
CREATE FUNCTION "rollup_histogram_quantiles"(ids INTEGER[], counts BIGINT[], quantiles DOUBLE PRECISION[])
RETURNS DOUBLE PRECISION[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH h AS (
        SELECT b, sum(c) AS c FROM unnest(ids, counts) AS u(b, c) GROUP BY b
    ), running AS (
        SELECT b, sum(c) OVER (ORDER BY b) AS running, sum(c) OVER () AS total FROM h
    )
    SELECT array_agg(v.value ORDER BY q.ord)
      FROM unnest(quantiles) WITH ORDINALITY AS q(q, ord)
      LEFT JOIN LATERAL (
          SELECT 2 * power(1.04::float8, r.b) / 2.04 AS value
            FROM running r
           WHERE r.running >= greatest(1, ceil(q.q * r.total))
           ORDER BY r.b
           LIMIT 1
      ) AS v ON true
$$;

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
