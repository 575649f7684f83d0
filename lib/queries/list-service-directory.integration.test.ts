import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listServiceDirectory } from "./list-service-directory";
import { insertService, useTestDatabaseForQueries } from "./test-fixtures";

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

async function insertInstance(instanceId: string, service: string, status: string): Promise<void> {
  await db.pool.query(
    `INSERT INTO instances (instance_id, service, version, address, status, reported_status, checks, ttl_ms, first_seen,
                            last_heartbeat_at, last_received_at, last_sequence, status_since)
     VALUES ($1, $2, 'v1', 'http://127.0.0.1:1', $3, 'healthy', '[]', 3000, now(), now(), now(), 1, now())`,
    [instanceId, service, status],
  );
}

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await insertService(db.pool, "web", 1_234, "2026-11-21T09:00:00Z", "2026-11-21T10:30:00Z");
  await insertService(db.pool, "Zeta", 5, "2026-11-21T09:00:00Z", "2026-11-21T09:05:00Z");
  await insertInstance("web-1", "web", "healthy");
  await insertInstance("web-2", "web", "deregistered");
  await insertInstance("notifier-1", "notifier", "healthy"); // heartbeats only
  await insertInstance("notifier-2", "notifier", "unhealthy");
  await insertInstance("retired-1", "retired", "deregistered"); // gone
});

afterAll(async () => {
  await db?.close();
});

describe("listServiceDirectory", () => {
  it("lists the span catalogue and heartbeat-only services, not services whose instances are all deregistered", async () => {
    expect(await listServiceDirectory(db.pool)).toEqual([
      { name: "Zeta", spanCount: 5, lastSeen: "2026-11-21T09:05:00.000Z", instanceCount: 0 },
      { name: "notifier", spanCount: 0, lastSeen: null, instanceCount: 2 },
      { name: "web", spanCount: 1_234, lastSeen: "2026-11-21T10:30:00.000Z", instanceCount: 1 },
    ]);
  });
});
