import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { silentLogger } from "@/lib/server/logger";
import { type ServerRole, startServer } from "@/lib/server/main";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { heartbeatSchema } from "./contract";
import { recordHeartbeat } from "./record-heartbeat";
import { CONTROL_TABLES, makeHeartbeat } from "./test-fixtures";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

beforeEach(async () => {
  await db.pool.query(`TRUNCATE ${CONTROL_TABLES.join(", ")}`);
});

const start = (role: ServerRole) =>
  startServer({
    role,
    env: parseEnv({ DATABASE_URL: db.url }),
    pool: db.pool,
    ports: { web: 0, otlpHttp: 0, otlpGrpc: 0 },
    next: false,
    banner: false,
    log: silentLogger,
  });

async function registerShortLived(): Promise<void> {
  const result = await recordHeartbeat(heartbeatSchema.parse(makeHeartbeat({ instanceId: "short", ttlMs: 500 })), {
    pool: db.pool,
  });
  expect(result.accepted).toBe(true);
}

const statusOf = async (instanceId: string) =>
  (await db.pool.query<{ status: string }>("SELECT status FROM instances WHERE instance_id = $1", [instanceId])).rows[0]?.status;

const discoveryListener = () => (globalThis as { __breakwaterDiscoveryChanges?: unknown }).__breakwaterDiscoveryChanges;

describe("the server's control-plane background work", () => {
  it.each(["ui", "all"] as const)("role %s sweeps the registry and listens for discovery changes until closed", async (role) => {
    const server = await start(role);
    try {
      expect(discoveryListener()).toBeDefined();
      await registerShortLived();
      await expect.poll(() => statusOf("short"), { timeout: 5_000, interval: 100 }).toBe("unhealthy");
    } finally {
      await server.close();
    }
    expect(discoveryListener()).toBeUndefined();
  });

  it("role ingest does not", async () => {
    const server = await start("ingest");
    try {
      expect(discoveryListener()).toBeUndefined();
      await registerShortLived();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await statusOf("short")).toBe("healthy");
    } finally {
      await server.close();
    }
  });
});
