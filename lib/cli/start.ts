/**
 * `npm start`: from a fresh clone to a running Breakwater in one command.
 *   1. validate configuration (lib/env.ts) — a bad variable stops here with a clear message;
 *   2. generate the Prisma client and build the Next.js app, each only when out of date;
 *   3. start embedded PostgreSQL under .data/postgres when DATABASE_URL is unset;
 *   4. start the server (it applies migrations first), which prints the URLs;
 *   5. on Ctrl-C / SIGTERM stop everything in reverse order, leaving no child processes.
 */
import path from "node:path";
import { ConfigError, parseEnv } from "../env";
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
}

main().catch(async (error: unknown) => {
  // Expected failures (a port in use, a bad database URL) carry a one-line message; print
  // that, not a stack trace, after stopping whatever had started.
  const message = error instanceof Error ? error.message : String(error);
  await stopAll();
  fail(message);
});
