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

/** Dashboard roles: viewers read, operators also change weights and inject faults. */
export const USER_ROLES = ["viewer", "operator"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export type ConfiguredUser = {
  username: string;
  role: UserRole;
  /** A plaintext password, or a stored hash ("scrypt$..."), as written in BREAKWATER_USERS. */
  secret: string;
};

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * BREAKWATER_USERS: "name:role:secret,..." The secret is everything after the second colon,
 * so it may contain colons but not commas (use a scrypt$ hash for such passwords).
 */
const userList = z.string().transform((text, ctx) => {
  const users: ConfiguredUser[] = [];
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const [index, entry] of entries.entries()) {
    const first = entry.indexOf(":");
    const second = first < 0 ? -1 : entry.indexOf(":", first + 1);
    const username = first < 0 ? entry : entry.slice(0, first);
    const role = second < 0 ? entry.slice(first + 1) : entry.slice(first + 1, second);
    const secret = second < 0 ? "" : entry.slice(second + 1);
    const where = `entry ${index + 1} ("${username}")`;
    if (!USERNAME.test(username)) {
      ctx.addIssue({ code: "custom", message: `${where}: a user name is 1-64 of A-Z a-z 0-9 . _ @ -` });
    } else if (!(USER_ROLES as readonly string[]).includes(role)) {
      ctx.addIssue({ code: "custom", message: `${where}: role must be viewer or operator; use name:role:password` });
    } else if (secret.length === 0) {
      ctx.addIssue({ code: "custom", message: `${where}: the password is empty; use name:role:password` });
    } else if (users.some((user) => user.username === username)) {
      ctx.addIssue({ code: "custom", message: `${where}: the user is listed twice` });
    } else {
      users.push({ username, role: role as UserRole, secret });
    }
  }
  return users;
});

const DURATION_UNITS_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "12h", "30m", "7d", "90s" or a number of seconds, in ms. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * DURATION_UNITS_MS[match[2] || "s"];
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}

const durationMs = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a duration; use e.g. 12h, 30m, 7d or a number of seconds` });
    return z.NEVER;
  }
  return ms;
});

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
  /** Dashboard users, "name:role:secret,..."; see userList. None → a generated "admin" operator. */
  BREAKWATER_USERS: userList.default([]),
  /** `open`: anyone may view; `signed-in`: pages and read APIs need a session (or a machine token where allowed). */
  BREAKWATER_VIEW_ACCESS: z.enum(["open", "signed-in"]).default("open"),
  /** How long a sign-in lasts, in ms ("12h" in the environment). */
  BREAKWATER_SESSION_TTL: durationMs.default(12 * 3_600_000),
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
