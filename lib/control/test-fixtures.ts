/**
 * Test helpers for the control plane: heartbeat bodies and JSON requests for the route
 * handlers, and row counts of the control tables. Used by tests only.
 */
import type pg from "pg";
import { afterAll, beforeAll, beforeEach } from "vitest";
// Aliased: the "use" prefix is not a React hook here, and the lint rule goes by the name.
import { useTestDatabaseForQueries as openTestDatabaseForQueries } from "@/lib/queries/test-fixtures";
import type { HeartbeatInput } from "./contract";
import { stopDiscoveryChanges } from "./discovery-changes";

export const CONTROL_TABLES = [
  "instances",
  "instance_status_changes",
  "breakers",
  "breaker_transitions",
  "lb_counts",
  "routes",
  "route_changes",
  "route_applied",
] as const;

/** Rows per control table. */
export async function countControlRows(pool: pg.Pool): Promise<Record<(typeof CONTROL_TABLES)[number], number>> {
  const { rows } = await pool.query<Record<(typeof CONTROL_TABLES)[number], number>>(
    `SELECT ${CONTROL_TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(", ")}`,
  );
  return rows[0];
}

let sequence = 0;

/** A valid heartbeat sent now; `overrides` replace fields (undefined removes one). */
export function makeHeartbeat(overrides: Partial<Record<keyof HeartbeatInput, unknown>> = {}): Record<string, unknown> {
  const beat: Record<string, unknown> = {
    service: "orders",
    instanceId: "orders-1",
    version: "v1",
    address: "http://127.0.0.1:8101",
    status: "healthy",
    sentAt: new Date().toISOString(),
    sequence: ++sequence,
    ttlMs: 5_000,
    ...overrides,
  };
  for (const [key, value] of Object.entries(beat)) if (value === undefined) delete beat[key];
  return beat;
}

/** A breaker report for makeHeartbeat's `breakers`. */
export function makeBreaker(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    targetService: "payments",
    targetInstanceId: "payments-1",
    targetVersion: "v1",
    state: "closed",
    stateSince: new Date(Date.now() - 60_000).toISOString(),
    calls: 10,
    failedCalls: 1,
    slowCalls: 0,
    failureRate: 10,
    slowCallRate: 0,
    notPermittedCalls: 0,
    config: {
      failureRateThreshold: 50,
      slowCallDurationMs: 1000,
      slowCallRateThreshold: 100,
      windowMs: 10_000,
      minimumCalls: 5,
      openWaitMs: 5_000,
      halfOpenCalls: 3,
    },
    transitions: [],
    ...overrides,
  };
}

/** A JSON request to a route handler (Content-Length set, as clients do). */
export function jsonRequest(
  url: string,
  body: unknown,
  options: { method?: string; headers?: Record<string, string> } = {},
): Request {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return new Request(url, {
    method: options.method ?? "POST",
    body: text,
    headers: {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
      ...options.headers,
    },
  });
}

/** The `detail` of a problem+json response. */
export async function problemDetail(response: Response): Promise<string> {
  const body = (await response.json()) as { detail?: string };
  return body.detail ?? "";
}

/**
 * For tests that call the control-plane route handlers: registers the file's hooks — a
 * migrated schema that the process-wide pool (and so the handlers) uses, the control tables
 * emptied before each test, the discovery listener and the schema closed at the end.
 */
export function setUpControlTestDatabase(): { readonly pool: pg.Pool } {
  let db: Awaited<ReturnType<typeof openTestDatabaseForQueries>> | undefined;
  beforeAll(async () => {
    db = await openTestDatabaseForQueries();
  });
  afterAll(async () => {
    await stopDiscoveryChanges();
    await db?.close();
  });
  beforeEach(async () => {
    await db!.pool.query(`TRUNCATE ${CONTROL_TABLES.join(", ")}`);
  });
  return {
    get pool() {
      if (!db) throw new Error("setUpControlTestDatabase: the database is ready only inside tests and hooks");
      return db.pool;
    },
  };
}
