/**
 * Vitest global setup for the `integration` project: provides the PostgreSQL server URL to
 * test files (read it through lib/test/db.ts). Uses DATABASE_URL when set; otherwise starts
 * an embedded PostgreSQL in a temporary directory on a free port and stops it afterwards.
 *
 * process.env is deliberately not read through lib/env here: this is the test harness, and
 * lib/env caches its parse.
 */
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide("testDatabaseUrl", external);
    return async () => {};
  }

  // The embedded path lands with lib/db/embedded.ts.
  throw new Error("Integration tests need DATABASE_URL for now (embedded PostgreSQL support is coming)");
}
