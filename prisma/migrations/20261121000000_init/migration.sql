-- Breakwater foundation: spans (time-partitioned), resources and scopes stored once,
-- and the small service/operation catalogues the read API lists.

-- CreateTable
CREATE TABLE "resources" (
    "id" BIGINT NOT NULL,
    "service_name" TEXT NOT NULL,
    "attributes" JSONB NOT NULL,
    "dropped_attributes_count" INTEGER NOT NULL DEFAULT 0,
    "schema_url" TEXT,
    "first_seen" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "resources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scopes" (
    "id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT,
    "attributes" JSONB,
    "dropped_attributes_count" INTEGER NOT NULL DEFAULT 0,
    "schema_url" TEXT,

    CONSTRAINT "scopes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "services" (
    "name" TEXT NOT NULL,
    "first_seen" TIMESTAMPTZ(6) NOT NULL,
    "last_seen" TIMESTAMPTZ(6) NOT NULL,
    "span_count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "services_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "operations" (
    "service_name" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "span_kind" SMALLINT NOT NULL,
    "last_seen" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "operations_pkey" PRIMARY KEY ("service_name","name","span_kind")
);

-- CreateTable
-- Dictionary of span attribute keys: spans store {"<id>": value} instead of repeating the key
-- text in every row (lib/db/attribute-keys). Rows are only ever added.
CREATE TABLE "attribute_keys" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,

    CONSTRAINT "attribute_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "attribute_keys_key_key" ON "attribute_keys"("key");

-- CreateTable
-- Partitioned by hour on start_time; partitions are created and dropped at run time
-- (lib/db/partitions). Columns are ordered fixed-width first to avoid alignment padding.
CREATE TABLE "spans" (
    "start_time" TIMESTAMPTZ(6) NOT NULL,
    "duration_ns" BIGINT NOT NULL,
    "resource_id" BIGINT NOT NULL,
    "scope_id" BIGINT,
    "trace_id" UUID NOT NULL,
    "kind" SMALLINT NOT NULL,
    "status_code" SMALLINT NOT NULL,
    "flags" INTEGER,
    "dropped_attributes_count" INTEGER,
    "dropped_events_count" INTEGER,
    "dropped_links_count" INTEGER,
    "span_id" BYTEA NOT NULL,
    "parent_span_id" BYTEA,
    "service_name" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status_message" TEXT,
    "trace_state" TEXT,
    "attributes" JSONB,
    "events" JSONB,
    "links" JSONB,

    CONSTRAINT "spans_pkey" PRIMARY KEY ("trace_id","span_id","start_time")
) PARTITION BY RANGE ("start_time");

-- CreateIndex
CREATE INDEX "spans_service_name_start_time_idx" ON "spans"("service_name", "start_time" DESC);
