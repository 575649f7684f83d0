/**
 * Vitest global setup for the `integration` project: provides the PostgreSQL server URL to
 * test files (read it through lib/test/db.ts). Uses DATABASE_URL when set; otherwise starts
 * an embedded PostgreSQL in a temporary directory on a free port and stops it afterwards.
 *
 * process.env is deliberately not read through lib/env here: this is the test harness, and
 * lib/env caches its parse.
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide("testDatabaseUrl", external);
    return async () => {};
  }

  const { startEmbeddedPostgres } = await import("../db/embedded");
  const dataRoot = await mkdtemp(path.join(tmpdir(), "breakwater-test-pg-"));
  // mkdtemp makes it 0700; as root, PostgreSQL runs as user postgres and must enter it.
  await chmod(dataRoot, 0o755);
  const started = Date.now();
  const server = await startEmbeddedPostgres({ dataDir: path.join(dataRoot, "postgres"), port: 0, database: "test" });
  console.log(
    `[global-setup] embedded PostgreSQL ready in ${Date.now() - started} ms at ${server.url.replace(/:[^:@/]*@/, ":***@")}`,
  );
  project.provide("testDatabaseUrl", server.url);
  // Test code that uses getPool()/getEnv() reads DATABASE_URL; workers inherit this.
  process.env.DATABASE_URL = server.url;
  return async () => {
    delete process.env.DATABASE_URL;
    await server.stop();
    await rm(dataRoot, { recursive: true, force: true });
  };
}
