/**
 * Playwright's webServer: runs `lib/cli/start.ts` (the production server, as `npm start`
 * does) and, once it has stopped, removes this run's database — the `e2e_*` schema, or the
 * temporary embedded-PostgreSQL data dir. Cleaning up here rather than in a global teardown
 * matters: Playwright runs global teardown before it stops the web server, and a data dir
 * must not vanish under a running PostgreSQL.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "..");

/** Drops this run's schemas: Breakwater's (from the URL) and the demo shop's (DEMO_DB_SCHEMA), if e2e_*. */
async function dropRunSchemas(url: string): Promise<void> {
  const parsed = new URL(url);
  const schemas = [parsed.searchParams.get("schema"), process.env.DEMO_DB_SCHEMA].filter(
    (schema): schema is string => schema?.startsWith("e2e_") === true,
  );
  if (schemas.length === 0) return;
  parsed.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function cleanUp(): Promise<void> {
  try {
    const url = process.env.DATABASE_URL;
    if (url) await dropRunSchemas(url);
    const dataDir = process.env.BREAKWATER_DATA_DIR;
    if (dataDir?.includes("breakwater-e2e-")) rmSync(dataDir, { recursive: true, force: true });
  } catch (error) {
    console.error(`e2e: cleanup failed: ${(error as Error).message}`);
  }
}

const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "lib/cli/start.ts")], {
  cwd: root,
  // No demo shop unless the config asks for it (the e2e/demo/ journeys): the other specs
  // expect their own (empty or seeded) data, not live traffic.
  env: { ...process.env, BREAKWATER_DEMO: process.env.BREAKWATER_DEMO === "true" ? "true" : "false" },
  stdio: "inherit",
});

// Playwright signals the whole process group; the child gets the signal itself. Forward it
// anyway for when this runs on its own, and wait for the child before cleaning up.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}

child.on("exit", (code, signal) => {
  void cleanUp().then(() => process.exit(code ?? (signal ? 0 : 1)));
});
