-- Traffic control (issue 5): LB counts per applied route version, reverts in the route
-- audit log, and dashboard sign-in (users, sessions, auth audit).

-- AlterTable
ALTER TABLE "lb_counts" ADD COLUMN "route_version" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "lb_counts" DROP CONSTRAINT "lb_counts_pkey";
ALTER TABLE "lb_counts" ADD CONSTRAINT "lb_counts_pkey" PRIMARY KEY ("gateway_instance_id","route_id","backend","upstream_instance_id","bucket_start","route_version");

-- AlterTable
ALTER TABLE "route_changes" ADD COLUMN "revert_of" BIGINT;

-- CreateTable
CREATE TABLE "users" (
    "username" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("username")
);

-- CreateTable
CREATE TABLE "sessions" (
    "token_hash" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(6) NOT NULL,
    "source" TEXT NOT NULL,
    "user_agent" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("token_hash")
);

-- CreateIndex
CREATE INDEX "sessions_username_idx" ON "sessions"("username");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- CreateTable
CREATE TABLE "auth_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(6) NOT NULL,
    "kind" TEXT NOT NULL,
    "username" TEXT,
    "role" TEXT,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "user_agent" TEXT,

    CONSTRAINT "auth_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "auth_events_at_idx" ON "auth_events"("at" DESC);
