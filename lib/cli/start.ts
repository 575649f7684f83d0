/**
 * `npm start`: from a fresh clone to a running Breakwater in one command.
 *   1. validate configuration (lib/env.ts) — a bad variable stops here with a clear message;
 *   2. generate the Prisma client and build the Next.js app, each only when out of date;
 *   3. start embedded PostgreSQL under .data/postgres when DATABASE_URL is unset;
 *   4. start the server (it applies migrations first), which prints the URLs;
 *   5. start the demo shop against it unless BREAKWATER_DEMO=false (services-demo/);
 *   6. on Ctrl-C / SIGTERM stop everything in reverse order, leaving no child processes.
 */
import path from "node:path";
import { ConfigError, type Env, parseEnv } from "../env";
import { isBuildCurrent, recordBuild } from "./build-state";
import { repoRoot, runBin } from "./run";

function fail(message: string, code = 1): never {
  console.error(`breakwater: ${message}`);
  process.exit(code);
}

const stops: Array<() => Promise<void>> = [];

async function stopAll(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) {
    try {
      await stop();
    } catch (error) {
      console.error(`breakwater: error while stopping: ${(error as Error).message}`);
    }
  }
}

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
  // Next.js must see production mode before it is first imported.
  Object.assign(process.env, { NODE_ENV: "production" });

  if ((await runBin(repoRoot, "tsx", [path.join(repoRoot, "lib/cli/prisma-generate.ts")])) !== 0) {
    fail("generating the Prisma client failed (see above)");
  }

  const needsNext = env.BREAKWATER_ROLE !== "ingest";
  if (needsNext && !isBuildCurrent(repoRoot)) {
    console.log("breakwater: building the web app (first start or sources changed)…");
    if ((await runBin(repoRoot, "next", ["build"])) !== 0) fail("next build failed (see above)");
    recordBuild(repoRoot);
  }

  let stoppingSince = 0;
  const shutdown = async (signal: string) => {
    // A second Ctrl-C forces the exit; one arriving right after the first is the same
    // keypress relayed by a wrapper (npm, a process manager) and is ignored.
    if (stoppingSince > 0) {
      if (Date.now() - stoppingSince < 1500) return;
      console.error(`breakwater: ${signal} again, exiting now`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    console.log(`breakwater: ${signal} received, shutting down…`);
    await stopAll();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  if (!env.DATABASE_URL) {
    const { startEmbeddedPostgres } = await import("../db/embedded");
    const dataDir = path.resolve(repoRoot, env.BREAKWATER_DATA_DIR, "postgres");
    console.log(`breakwater: DATABASE_URL is not set — starting embedded PostgreSQL (data in ${dataDir})`);
    const embedded = await startEmbeddedPostgres({ dataDir, port: env.BREAKWATER_EMBEDDED_PG_PORT });
    stops.push(() => embedded.stop());
    process.env.DATABASE_URL = embedded.url;
  }

  const { startServer } = await import("../server/main");
  const server = await startServer({ dev: false, dir: repoRoot });
  stops.push(() => server.close());

  if (env.BREAKWATER_DEMO) await startDemoShop(env, server.urls);
}

/**
 * The demo shop (services-demo/) against this server: its processes heartbeat to the API and
 * send traces to the OTLP port. Pushed after the server, so it stops first. A demo that cannot
 * start (a port taken, a bad DEMO_* variable) is reported and skipped: Breakwater keeps running.
 */
async function startDemoShop(env: Env, urls: { web?: string; otlpHttp?: string }): Promise<void> {
  const off = "set BREAKWATER_DEMO=false to run without it";
  if (!urls.web || !urls.otlpHttp) {
    console.log(`breakwater: demo shop skipped: it needs the API and OTLP receivers in one process (BREAKWATER_ROLE=all)`);
    return;
  }
  try {
    const { parseDemoConfig } = await import("../../services-demo/shared/env");
    const { startDemo } = await import("../../services-demo/supervisor");
    const { createLogger } = await import("../server/logger");
    const config = parseDemoConfig(process.env);
    const demo = await startDemo({
      breakwaterUrl: urls.web,
      otlpEndpoint: urls.otlpHttp,
      token: env.BREAKWATER_INGEST_TOKENS[0],
      // Inventory and orders keep their tables in their own schema (DEMO_DB_SCHEMA, default demo_shop).
      databaseUrl: config.databaseUrl ?? process.env.DATABASE_URL,
      dbSchema: config.dbSchema,
      host: config.host,
      ports: config.ports,
      loadRate: config.loadRate,
      rateLimit: config.rateLimit,
      logLevel: env.LOG_LEVEL,
      log: createLogger({ level: env.LOG_LEVEL, name: "demo" }),
    });
    stops.push(() => demo.stop());
    const load = config.loadRate > 0 ? `, ${config.loadRate} req/s of load` : "";
    console.log(`breakwater: demo shop running (gateway ${demo.gatewayUrl}${load}); ${off}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`breakwater: ${message.startsWith("demo") ? message : `demo shop not started: ${message}`}`);
    console.error(`breakwater: Breakwater keeps running without the demo; ${off}`);
  }
}

main().catch(async (error: unknown) => {
  // Expected failures (a port in use, a bad database URL) carry a one-line message; print
  // that, not a stack trace, after stopping whatever had started.
  const message = error instanceof Error ? error.message : String(error);
  await stopAll();
  fail(message);
});
