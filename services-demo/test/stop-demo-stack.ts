import type { BreakwaterProcess } from "@/lib/test/breakwater-process";
import type { TestDatabase } from "@/lib/test/db";
import type { DemoHandle } from "../supervisor";

/**
 * Tears down what a whole-shop integration test started: the shop, Breakwater, the shop's
 * schema and the test database. Each part may be missing when beforeAll failed half-way.
 */
export async function stopDemoStack({
  shop,
  breakwater,
  db,
  demoSchema,
}: {
  shop?: DemoHandle;
  breakwater?: BreakwaterProcess;
  db?: TestDatabase;
  demoSchema?: string;
}): Promise<void> {
  await shop?.stop();
  await breakwater?.stop();
  await db?.pool.query(`DROP SCHEMA IF EXISTS "${demoSchema}" CASCADE`).catch(() => {});
  await db?.close();
}
