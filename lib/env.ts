import { z } from "zod";

/**
 * All configuration, parsed and validated once. Nothing else reads `process.env`
 * (the one exception is `NODE_ENV`, which Next.js itself inlines).
 * The README's configuration table mirrors this schema.
 */

const MiB = 1024 * 1024;

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: MiB,
  mb: MiB,
  mib: MiB,
  g: 1024 * MiB,
  gb: 1024 * MiB,
  gib: 1024 * MiB,
  t: 1024 * 1024 * MiB,
  tb: 1024 * 1024 * MiB,
  tib: 1024 * 1024 * MiB,
};

/** Parses "64MiB", "10 GB", "1048576" into bytes. Units are binary (1 KB = 1024 B). */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match) return undefined;
  const unit = SIZE_UNITS[(match[2] || "b").toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isFinite(bytes) ? bytes : undefined;
}

const byteSize = z.string().transform((text, ctx) => {
  const bytes = parseByteSize(text);
  if (bytes === undefined || bytes <= 0) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a size; use e.g. 64MiB, 512KB or a number of bytes` });
    return z.NEVER;
  }
  return bytes;
});

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off"], {
    error: "use true or false",
  })
  .transform((v) => v === "1" || v === "true" || v === "yes" || v === "on");

const csv = z.string().transform((text) =>
  text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0),
);

export const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  BREAKWATER_DATA_DIR: z.string().min(1).default(".data"),
  BREAKWATER_EMBEDDED_PG_PORT: port.default(54329),
  BREAKWATER_ROLE: z.enum(["all", "ingest", "ui"]).default("all"),
  BREAKWATER_HOST: z.string().min(1).default("127.0.0.1"),
  PORT: port.default(3000),
  BREAKWATER_OTLP_HTTP_PORT: port.default(4318),
  BREAKWATER_OTLP_GRPC_PORT: port.default(4317),
  BREAKWATER_MAX_BODY_SIZE: byteSize.default(64 * MiB),
  /** Request bodies buffered or being decoded at once, all receivers together; beyond it → 429 / UNAVAILABLE. */
  BREAKWATER_MAX_INFLIGHT_BODY_SIZE: byteSize.default(256 * MiB),
  BREAKWATER_INGEST_TOKENS: csv.default([]),
  BREAKWATER_QUEUE_MAX_SPANS: positiveInt.default(100_000),
  BREAKWATER_BATCH_MAX_SPANS: positiveInt.default(4_000),
  BREAKWATER_BATCH_MAX_WAIT_MS: positiveInt.default(50),
  BREAKWATER_WRITER_CONNECTIONS: positiveInt.max(16).default(2),
  BREAKWATER_DB_POOL_SIZE: positiveInt.max(100).default(6),
  BREAKWATER_MAX_ATTRIBUTE_VALUE_LENGTH: positiveInt.min(64).default(16_384),
  BREAKWATER_SPAN_RETENTION_HOURS: positiveInt.default(48),
  BREAKWATER_ROLLUP_RETENTION_DAYS: positiveInt.default(30),
  BREAKWATER_SPAN_STORAGE_LIMIT: byteSize.optional(),
  BREAKWATER_MAINTENANCE_INTERVAL_S: positiveInt.default(60),
  /** An instance unhealthy for lack of heartbeats this long (since its last beat) is deregistered. */
  BREAKWATER_DEREGISTER_AFTER_S: positiveInt.default(60),
  BREAKWATER_DEMO: bool.default(true),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
}

/** Parses an environment record; throws one ConfigError listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset", as in most shells' `FOO= cmd` usage.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(env)"}: ${issue.message}`);
    throw new ConfigError(`Invalid Breakwater configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The process configuration, parsed on first use. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Test hook: forget the cached configuration after changing process.env. */
export function resetEnvForTests(): void {
  cached = undefined;
}
