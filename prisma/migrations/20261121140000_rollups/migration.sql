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
-- Both tables are range-partitioned by day on "minute" (partitions are created and dropped
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
-- SET (bucket_ids, bucket_counts) = (SELECT * FROM rollup_histogram_add(...))).
CREATE FUNCTION "rollup_histogram_add"(
    a_ids INTEGER[], a_counts BIGINT[], b_ids INTEGER[], b_counts BIGINT[],
    OUT bucket_ids INTEGER[], OUT bucket_counts BIGINT[])
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(b ORDER BY b), '{}'), coalesce(array_agg(c ORDER BY b), '{}')
      FROM (SELECT b, sum(c)::bigint AS c
              FROM (SELECT * FROM unnest(a_ids, a_counts) UNION ALL SELECT * FROM unnest(b_ids, b_counts)) AS u(b, c)
             GROUP BY b) AS s
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
