import { defineConfig } from "prisma/config";

// The CLI is only used for `prisma generate` here (see README: migrations are applied by
// lib/db/migrate). The datasource URL is read for `prisma migrate status` where the
// schema engine exists.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // Exception to "only lib/env.ts reads process.env": the Prisma CLI loads this file itself, without our env module.
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
});
