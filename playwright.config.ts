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
 * The config is evaluated again in each worker, so per-run values travel through process.env.
 */

const WEB_PORT = 3100;
const OTLP_HTTP_PORT = 14318;
const OTLP_GRPC_PORT = 14317;
const EMBEDDED_PG_PORT = 54339;

process.env.BREAKWATER_E2E_RUN_ID ??= `${Date.now().toString(36)}${process.pid.toString(36)}`;
const runId = process.env.BREAKWATER_E2E_RUN_ID;

function databaseUrlForRun(): string | undefined {
  const base = process.env.DATABASE_URL;
  if (!base) return undefined;
  const url = new URL(base);
  url.searchParams.set("schema", `e2e_${runId}`);
  return url.toString();
}

function findChromium(): string {
  try {
    return execSync("which chromium", { encoding: "utf8" }).trim();
  } catch {
    return "/usr/bin/chromium";
  }
}

const serverDatabaseUrl = databaseUrlForRun();
// Read by the tests.
process.env.BREAKWATER_E2E_DATA_DIR ??= path.join(os.tmpdir(), `breakwater-e2e-${runId}`);
process.env.BREAKWATER_E2E_WEB_URL = `http://127.0.0.1:${WEB_PORT}`;
process.env.BREAKWATER_E2E_OTLP_HTTP_URL = `http://127.0.0.1:${OTLP_HTTP_PORT}`;

const serverEnv: Record<string, string> = {
  PORT: String(WEB_PORT),
  BREAKWATER_HOST: "127.0.0.1",
  BREAKWATER_OTLP_HTTP_PORT: String(OTLP_HTTP_PORT),
  BREAKWATER_OTLP_GRPC_PORT: String(OTLP_GRPC_PORT),
  BREAKWATER_DEMO: "false",
  BREAKWATER_DATA_DIR: process.env.BREAKWATER_E2E_DATA_DIR,
  BREAKWATER_EMBEDDED_PG_PORT: String(EMBEDDED_PG_PORT),
  BREAKWATER_INGEST_TOKENS: "",
  LOG_LEVEL: "warn",
  // Empty means "unset" to lib/env.ts: start.ts then starts embedded PostgreSQL.
  DATABASE_URL: serverDatabaseUrl ?? "",
};

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
    {
      name: "chromium",
      use: {
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
      },
    },
  ],
  webServer: {
    // The Node running Playwright (the project's Node 24), not whatever `node` is on PATH.
    command: `"${process.execPath}" node_modules/tsx/dist/cli.mjs e2e/serve.ts`,
    url: `http://127.0.0.1:${WEB_PORT}/api/v1/info`,
    env: serverEnv,
    // A fresh database every run: never attach to a server someone left running.
    reuseExistingServer: false,
    // start.ts may have to build the app first.
    timeout: 300_000,
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    stderr: "pipe",
  },
});
