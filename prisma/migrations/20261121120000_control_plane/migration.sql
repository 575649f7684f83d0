-- Control plane (lib/control): instance registry and health history, circuit breakers and
-- their transitions, load-balancer counters, routes with their audit log and what each
-- gateway applied. Small tables without foreign keys, so each can become a Citus reference
-- table. Status and state values are checked here; the allowed values are those of
-- lib/control/contract.ts.

-- CreateTable
CREATE TABLE "instances" (
    "instance_id" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reported_status" TEXT NOT NULL,
    "checks" JSONB NOT NULL,
    "ttl_ms" INTEGER NOT NULL,
    "first_seen" TIMESTAMPTZ(6) NOT NULL,
    "last_heartbeat_at" TIMESTAMPTZ(6) NOT NULL,
    "last_received_at" TIMESTAMPTZ(6) NOT NULL,
    "last_sequence" BIGINT NOT NULL,
    "status_since" TIMESTAMPTZ(6) NOT NULL,
    "applied_config" JSONB,
    "config_age_ms" BIGINT,

    CONSTRAINT "instances_pkey" PRIMARY KEY ("instance_id"),
    CONSTRAINT "instances_status_check" CHECK ("status" IN ('healthy', 'degraded', 'unhealthy', 'deregistered')),
    CONSTRAINT "instances_reported_status_check" CHECK ("reported_status" IN ('healthy', 'degraded', 'unhealthy')),
    CONSTRAINT "instances_ttl_ms_check" CHECK ("ttl_ms" > 0)
);

-- CreateIndex
CREATE INDEX "instances_service_status_idx" ON "instances"("service", "status");

-- CreateTable
CREATE TABLE "instance_status_changes" (
    "id" BIGSERIAL NOT NULL,
    "instance_id" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "from_status" TEXT,
    "to_status" TEXT NOT NULL,
    "at" TIMESTAMPTZ(6) NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "instance_status_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "instance_status_changes_instance_id_at_idx" ON "instance_status_changes"("instance_id", "at" DESC);

-- CreateIndex
CREATE INDEX "instance_status_changes_at_idx" ON "instance_status_changes"("at");

-- CreateTable
CREATE TABLE "breakers" (
    "owner_instance_id" TEXT NOT NULL,
    "target_instance_id" TEXT NOT NULL,
    "owner_service" TEXT NOT NULL,
    "target_service" TEXT NOT NULL,
    "target_version" TEXT,
    "state" TEXT NOT NULL,
    "state_since" TIMESTAMPTZ(6) NOT NULL,
    "calls" INTEGER NOT NULL,
    "failed_calls" INTEGER NOT NULL,
    "slow_calls" INTEGER NOT NULL,
    "failure_rate" DOUBLE PRECISION NOT NULL,
    "slow_call_rate" DOUBLE PRECISION NOT NULL,
    "not_permitted_calls" INTEGER NOT NULL,
    "config" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "breakers_pkey" PRIMARY KEY ("owner_instance_id","target_instance_id"),
    CONSTRAINT "breakers_state_check" CHECK ("state" IN ('closed', 'open', 'half_open', 'forced_open', 'disabled'))
);

-- CreateTable
CREATE TABLE "breaker_transitions" (
    "id" BIGSERIAL NOT NULL,
    "owner_instance_id" TEXT NOT NULL,
    "owner_service" TEXT NOT NULL,
    "target_instance_id" TEXT NOT NULL,
    "target_service" TEXT NOT NULL,
    "from_state" TEXT NOT NULL,
    "to_state" TEXT NOT NULL,
    "at" TIMESTAMPTZ(6) NOT NULL,
    "reason" TEXT,

    CONSTRAINT "breaker_transitions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "breaker_transitions_state_check" CHECK (
        "from_state" IN ('closed', 'open', 'half_open', 'forced_open', 'disabled')
        AND "to_state" IN ('closed', 'open', 'half_open', 'forced_open', 'disabled'))
);

-- CreateIndex
-- A transition re-sent by its owner (it keeps them until a beat is acknowledged) is stored once.
CREATE UNIQUE INDEX "breaker_transitions_dedup_key" ON "breaker_transitions"("owner_instance_id", "target_instance_id", "at", "to_state");

-- CreateIndex
CREATE INDEX "breaker_transitions_at_idx" ON "breaker_transitions"("at");

-- CreateTable
CREATE TABLE "lb_counts" (
    "gateway_instance_id" TEXT NOT NULL,
    "route_id" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "upstream_instance_id" TEXT NOT NULL,
    "bucket_start" TIMESTAMPTZ(6) NOT NULL,
    "requests" BIGINT NOT NULL,

    CONSTRAINT "lb_counts_pkey" PRIMARY KEY ("gateway_instance_id","route_id","backend","upstream_instance_id","bucket_start")
);

-- CreateIndex
CREATE INDEX "lb_counts_route_id_bucket_start_idx" ON "lb_counts"("route_id", "bucket_start");

-- CreateIndex
CREATE INDEX "lb_counts_bucket_start_idx" ON "lb_counts"("bucket_start");

-- CreateTable
CREATE TABLE "routes" (
    "id" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "backends" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,
    "updated_by" TEXT NOT NULL,

    CONSTRAINT "routes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "routes_service_idx" ON "routes"("service");

-- CreateTable
CREATE TABLE "route_changes" (
    "id" BIGSERIAL NOT NULL,
    "route_id" TEXT NOT NULL,
    "route_version" INTEGER NOT NULL,
    "old_backends" JSONB,
    "new_backends" JSONB NOT NULL,
    "actor" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "route_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "route_changes_route_id_at_idx" ON "route_changes"("route_id", "at" DESC);

-- CreateTable
CREATE TABLE "route_applied" (
    "route_id" TEXT NOT NULL,
    "gateway_instance_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "applied_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "route_applied_pkey" PRIMARY KEY ("route_id","gateway_instance_id")
);
