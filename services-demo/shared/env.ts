import { z } from "zod";
import { instanceIdSchema, serviceNameSchema, versionSchema } from "../../lib/control/contract";

/**
 * The demo shop's configuration, parsed once per process with zod (the demo's lib/env.ts).
 * Two layers:
 *   - parseDemoConfig: what `npm run demo` / the supervisor reads (ports of every process,
 *     Breakwater and OTLP URLs, load rate…), all overridable by DEMO_* variables;
 *   - parseServiceEnv: what one spawned process reads. Its identity (service, version,
 *     instance id) comes from the same OTEL_* variables the OTel SDK reads, so a heartbeat
 *     and a span of one process can never disagree about who sent them.
 */

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL, e.g. http://127.0.0.1:3000" })
  .transform((url) => url.replace(/\/+$/, ""));
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL");
const logLevel = z.enum(["debug", "info", "warn", "error"]);
/** A PostgreSQL identifier we interpolate into DDL: keep it to plain lowercase names. */
const schemaName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lowercase SQL identifier, e.g. demo_shop");

export const DEMO_PORT_KEYS = ["gateway", "catalog", "ordersV1", "ordersV2", "inventory", "payments1", "payments2"] as const;
export type DemoPortKey = (typeof DEMO_PORT_KEYS)[number];
export type DemoPorts = Record<DemoPortKey, number>;

export const DEFAULT_DEMO_PORTS: DemoPorts = {
  gateway: 8080,
  catalog: 8101,
  ordersV1: 8111,
  ordersV2: 8112,
  inventory: 8121,
  payments1: 8131,
  payments2: 8132,
};

/** The variable that moves each port (named in "port in use" messages). */
export const DEMO_PORT_VARIABLES: Record<DemoPortKey, string> = {
  gateway: "DEMO_GATEWAY_PORT",
  catalog: "DEMO_CATALOG_PORT",
  ordersV1: "DEMO_ORDERS_V1_PORT",
  ordersV2: "DEMO_ORDERS_V2_PORT",
  inventory: "DEMO_INVENTORY_PORT",
  payments1: "DEMO_PAYMENTS_1_PORT",
  payments2: "DEMO_PAYMENTS_2_PORT",
};

/** DEMO_PORT_BASE=N puts the processes on N, N+1, … in DEMO_PORT_KEYS order (handy for a second shop or tests). */
export function portsFromBase(base: number): DemoPorts {
  return Object.fromEntries(DEMO_PORT_KEYS.map((key, index) => [key, base + index])) as DemoPorts;
}

/** Ports in effect: explicit per-process ports win over the base, the base over the defaults. */
export function resolveDemoPorts(options: { portBase?: number; ports?: Partial<DemoPorts> }): DemoPorts {
  const base = options.portBase === undefined ? DEFAULT_DEMO_PORTS : portsFromBase(options.portBase);
  const ports = { ...base };
  for (const key of DEMO_PORT_KEYS) {
    const explicit = options.ports?.[key];
    if (explicit !== undefined) ports[key] = explicit;
  }
  return ports;
}

const demoConfigSchema = z.object({
  BREAKWATER_URL: httpUrl.default("http://127.0.0.1:3000"),
  DEMO_OTLP_ENDPOINT: httpUrl.default("http://127.0.0.1:4318"),
  DEMO_BREAKWATER_TOKEN: z.string().min(1).optional(),
  DEMO_DATABASE_URL: postgresUrl.optional(),
  DEMO_DB_SCHEMA: schemaName.default("demo_shop"),
  DEMO_HOST: z.string().min(1).default("127.0.0.1"),
  DEMO_PORT_BASE: port.optional(),
  DEMO_GATEWAY_PORT: port.optional(),
  DEMO_CATALOG_PORT: port.optional(),
  DEMO_ORDERS_V1_PORT: port.optional(),
  DEMO_ORDERS_V2_PORT: port.optional(),
  DEMO_INVENTORY_PORT: port.optional(),
  DEMO_PAYMENTS_1_PORT: port.optional(),
  DEMO_PAYMENTS_2_PORT: port.optional(),
  /** Requests per second the load generator sends through the gateway; 0 = no load generator. */
  DEMO_LOAD_RATE: z.coerce.number().min(0).max(1000).default(15),
  DEMO_RATE_LIMIT_RPS: z.coerce.number().positive().default(50),
  DEMO_RATE_LIMIT_BURST: positiveInt.default(100),
  DEMO_LOG_LEVEL: logLevel.default("info"),
});

export type DemoConfig = {
  breakwaterUrl: string;
  otlpEndpoint: string;
  token?: string;
  databaseUrl?: string;
  dbSchema: string;
  host: string;
  ports: DemoPorts;
  loadRate: number;
  rateLimit: { ratePerSec: number; burst: number };
  logLevel: z.infer<typeof logLevel>;
};

export class DemoConfigError extends Error {
  readonly code = "DEMO_CONFIG_INVALID";
}

function cleaned(source: Record<string, string | undefined>): Record<string, string> {
  // Empty strings mean "unset", as in `FOO= cmd`.
  return Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""),
  );
}

function parseWith<T extends z.ZodType>(schema: T, source: Record<string, string | undefined>, what: string): z.output<T> {
  const result = schema.safeParse(cleaned(source));
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(env)"}: ${issue.message}`);
    throw new DemoConfigError(`Invalid ${what}:\n${lines.join("\n")}`);
  }
  return result.data;
}

/** The shop's configuration from DEMO_* / BREAKWATER_URL variables (see services-demo/README.md). */
export function parseDemoConfig(source: Record<string, string | undefined>): DemoConfig {
  const env = parseWith(demoConfigSchema, source, "demo shop configuration");
  return {
    breakwaterUrl: env.BREAKWATER_URL,
    otlpEndpoint: env.DEMO_OTLP_ENDPOINT,
    token: env.DEMO_BREAKWATER_TOKEN,
    databaseUrl: env.DEMO_DATABASE_URL,
    dbSchema: env.DEMO_DB_SCHEMA,
    host: env.DEMO_HOST,
    ports: resolveDemoPorts({
      portBase: env.DEMO_PORT_BASE,
      ports: {
        gateway: env.DEMO_GATEWAY_PORT,
        catalog: env.DEMO_CATALOG_PORT,
        ordersV1: env.DEMO_ORDERS_V1_PORT,
        ordersV2: env.DEMO_ORDERS_V2_PORT,
        inventory: env.DEMO_INVENTORY_PORT,
        payments1: env.DEMO_PAYMENTS_1_PORT,
        payments2: env.DEMO_PAYMENTS_2_PORT,
      },
    }),
    loadRate: env.DEMO_LOAD_RATE,
    rateLimit: { ratePerSec: env.DEMO_RATE_LIMIT_RPS, burst: env.DEMO_RATE_LIMIT_BURST },
    logLevel: env.DEMO_LOG_LEVEL,
  };
}

// ——— One process ———

/** `service.version=v1,service.instance.id=orders-v1-1` → record (the OTel SDK's own format; values may be %-encoded). */
export function parseResourceAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const key = pair.slice(0, at).trim();
    const raw = pair.slice(at + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // not %-encoded: keep as written
    }
    if (key) out[key] = value;
  }
  return out;
}

const serviceEnvSchema = z.object({
  OTEL_SERVICE_NAME: serviceNameSchema,
  OTEL_RESOURCE_ATTRIBUTES: z.string().default(""),
  BREAKWATER_URL: httpUrl.default("http://127.0.0.1:3000"),
  DEMO_BREAKWATER_TOKEN: z.string().min(1).optional(),
  DEMO_HOST: z.string().min(1).default("127.0.0.1"),
  /** This process's listening port. */
  DEMO_PORT: port.optional(),
  DEMO_DATABASE_URL: postgresUrl.optional(),
  DEMO_DB_SCHEMA: schemaName.default("demo_shop"),
  DEMO_HEARTBEAT_INTERVAL_MS: positiveInt.default(1_000),
  DEMO_HEARTBEAT_TTL_MS: z.coerce.number().int().min(500).max(300_000).default(3_000),
  /** Gateway: per-client-IP token bucket. */
  DEMO_RATE_LIMIT_RPS: z.coerce.number().positive().default(50),
  DEMO_RATE_LIMIT_BURST: positiveInt.default(100),
  /** Load generator: where to send, and how fast. */
  DEMO_GATEWAY_URL: httpUrl.optional(),
  DEMO_LOAD_RATE: z.coerce.number().min(0).max(1000).default(15),
  DEMO_LOG_LEVEL: logLevel.default("info"),
});

export type ServiceIdentity = { service: string; version: string; instanceId: string };

export type ServiceEnv = {
  identity: ServiceIdentity;
  breakwaterUrl: string;
  token?: string;
  host: string;
  port?: number;
  databaseUrl?: string;
  dbSchema: string;
  heartbeatIntervalMs: number;
  heartbeatTtlMs: number;
  rateLimit: { ratePerSec: number; burst: number };
  gatewayUrl?: string;
  loadRate: number;
  logLevel: z.infer<typeof logLevel>;
};

/** One demo process's settings; throws DemoConfigError naming every bad variable. */
export function parseServiceEnv(source: Record<string, string | undefined>): ServiceEnv {
  const env = parseWith(serviceEnvSchema, source, "demo process environment");
  const resource = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES);
  const identity = parseWith(
    z.object({
      service: serviceNameSchema,
      version: versionSchema,
      instanceId: instanceIdSchema,
    }),
    {
      service: env.OTEL_SERVICE_NAME,
      version: resource["service.version"],
      instanceId: resource["service.instance.id"],
    },
    "OTEL_RESOURCE_ATTRIBUTES (needs service.version and service.instance.id)",
  );
  return {
    identity,
    breakwaterUrl: env.BREAKWATER_URL,
    token: env.DEMO_BREAKWATER_TOKEN,
    host: env.DEMO_HOST,
    port: env.DEMO_PORT,
    databaseUrl: env.DEMO_DATABASE_URL,
    dbSchema: env.DEMO_DB_SCHEMA,
    heartbeatIntervalMs: env.DEMO_HEARTBEAT_INTERVAL_MS,
    heartbeatTtlMs: env.DEMO_HEARTBEAT_TTL_MS,
    rateLimit: { ratePerSec: env.DEMO_RATE_LIMIT_RPS, burst: env.DEMO_RATE_LIMIT_BURST },
    gatewayUrl: env.DEMO_GATEWAY_URL,
    loadRate: env.DEMO_LOAD_RATE,
    logLevel: env.DEMO_LOG_LEVEL,
  };
}
