import { execSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests in Debian's Chromium (never a downloaded browser) against the real
 * production server: `lib/cli/start.ts` (through e2e/serve.ts, which cleans up afterwards) — the same path as `npm start` (Prisma client,
 * `next build` when stale, migrations, OTLP receivers + Next.js in one process) — on
 * dedicated ports, against a database nobody else uses:
 *   - DATABASE_URL set: a fresh schema `e2e_<run id>` in that database (dropped afterwards);
 *   - DATABASE_URL unset: start.ts starts embedded PostgreSQL in a fresh temporary data dir.
 * Two servers: project "chromium" (specs that send their own data) runs against one started
 * with BREAKWATER_DEMO=false; project "demo" (e2e/demo/) against `npm start` as a newcomer runs
 * it — Breakwater plus the demo shop and its load generator, on ports and a schema of its own.
 * The config is evaluated again in each worker, so per-run values travel through process.env.
 */

const WEB_PORT = 3100;
const OTLP_HTTP_PORT = 14318;
const OTLP_GRPC_PORT = 14317;
const EMBEDDED_PG_PORT = 54339;
// The second server, `npm start` with the demo shop (e2e/demo/): its own ports, database and shop ports.
const DEMO_WEB_PORT = 3200;
const DEMO_OTLP_HTTP_PORT = 24318;
const DEMO_OTLP_GRPC_PORT = 24317;
const DEMO_EMBEDDED_PG_PORT = 54349;
const DEMO_SHOP_PORT_BASE = 28080;

process.env.BREAKWATER_E2E_RUN_ID ??= `${Date.now().toString(36)}${process.pid.toString(36)}`;
const runId = process.env.BREAKWATER_E2E_RUN_ID;

function databaseUrlForRun(schema: string): string | undefined {
  const base = process.env.DATABASE_URL;
  if (!base) return undefined;
  const url = new URL(base);
  url.searchParams.set("schema", schema);
  return url.toString();
}

function findChromium(): string {
  try {
    return execSync("which chromium", { encoding: "utf8" }).trim();
  } catch {
    return "/usr/bin/chromium";
  }
}

const serverDatabaseUrl = databaseUrlForRun(`e2e_${runId}`);
const demoDatabaseUrl = databaseUrlForRun(`e2e_demo_${runId}`);
// Read by the tests.
process.env.BREAKWATER_E2E_DATA_DIR ??= path.join(os.tmpdir(), `breakwater-e2e-${runId}`);
process.env.BREAKWATER_E2E_DEMO_DATA_DIR ??= path.join(os.tmpdir(), `breakwater-e2e-demo-${runId}`);
process.env.BREAKWATER_E2E_WEB_URL = `http://127.0.0.1:${WEB_PORT}`;
process.env.BREAKWATER_E2E_OTLP_HTTP_URL = `http://127.0.0.1:${OTLP_HTTP_PORT}`;
process.env.BREAKWATER_E2E_DEMO_WEB_URL = `http://127.0.0.1:${DEMO_WEB_PORT}`;
process.env.BREAKWATER_E2E_DEMO_OTLP_HTTP_URL = `http://127.0.0.1:${DEMO_OTLP_HTTP_PORT}`;

const serverEnv: Record<string, string> = {
  PORT: String(WEB_PORT),
  BREAKWATER_HOST: "127.0.0.1",
  BREAKWATER_OTLP_HTTP_PORT: String(OTLP_HTTP_PORT),
  BREAKWATER_OTLP_GRPC_PORT: String(OTLP_GRPC_PORT),
  BREAKWATER_DEMO: "false",
  BREAKWATER_DATA_DIR: process.env.BREAKWATER_E2E_DATA_DIR,
  BREAKWATER_EMBEDDED_PG_PORT: String(EMBEDDED_PG_PORT),
  BREAKWATER_INGEST_TOKENS: "",
  // Dashboard accounts for the specs that sign in (e2e/auth.spec.ts, the traffic and fault journeys).
  BREAKWATER_USERS: "operator:operator:operator-e2e-password,viewer:viewer:viewer-e2e-password",
  LOG_LEVEL: "warn",
  // Empty means "unset" to lib/env.ts: start.ts then starts embedded PostgreSQL.
  DATABASE_URL: serverDatabaseUrl ?? "",
};

/** `npm start` as a newcomer runs it: Breakwater plus the demo shop (gateway, services, load generator). */
const demoServerEnv: Record<string, string> = {
  ...serverEnv,
  PORT: String(DEMO_WEB_PORT),
  BREAKWATER_OTLP_HTTP_PORT: String(DEMO_OTLP_HTTP_PORT),
  BREAKWATER_OTLP_GRPC_PORT: String(DEMO_OTLP_GRPC_PORT),
  BREAKWATER_DEMO: "true",
  BREAKWATER_DATA_DIR: process.env.BREAKWATER_E2E_DEMO_DATA_DIR,
  BREAKWATER_EMBEDDED_PG_PORT: String(DEMO_EMBEDDED_PG_PORT),
  DEMO_PORT_BASE: String(DEMO_SHOP_PORT_BASE),
  DEMO_DB_SCHEMA: `e2e_demo_shop_${runId}`,
  DATABASE_URL: demoDatabaseUrl ?? "",
};

const chromium = {
  ...devices["Desktop Chrome"],
  viewport: { width: 1440, height: 900 },
  launchOptions: {
    executablePath: findChromium(),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  },
};

function webServer(env: Record<string, string>, port: number) {
  return {
    // The Node running Playwright (the project's Node 24), not whatever `node` is on PATH.
    command: `"${process.execPath}" node_modules/tsx/dist/cli.mjs e2e/serve.ts`,
    url: `http://127.0.0.1:${port}/api/v1/info`,
    env,
    // A fresh database every run: never attach to a server someone left running.
    reuseExistingServer: false,
    // start.ts may have to build the app first.
    timeout: 300_000,
    gracefulShutdown: { signal: "SIGTERM" as const, timeout: 15_000 },
    stdout: "pipe" as const,
    stderr: "pipe" as const,
  };
}

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  // The tests share one server and one database, and the Overview journey depends on order
  // (empty first, then data): one worker, files and tests in order.
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${WEB_PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1440, height: 900 },
  },
  projects: [
    // Specs that send their own data to a server without the demo.
    { name: "chromium", testIgnore: "demo/**", use: chromium },
    // Journeys against `npm start` with the demo shop's live traffic.
    { name: "demo", testMatch: "demo/**/*.spec.ts", use: { ...chromium, baseURL: `http://127.0.0.1:${DEMO_WEB_PORT}` } },
  ],
  webServer: [webServer(serverEnv, WEB_PORT), webServer(demoServerEnv, DEMO_WEB_PORT)],
});
