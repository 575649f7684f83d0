import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "@/lib/server/logger";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { heartbeatSchema } from "./contract";
import { DISCOVERY_CHANNEL } from "./discovery-changes";
import { pruneControlPlane } from "./prune-control-plane";
import { recordHeartbeat } from "./record-heartbeat";
import { startRegistrySweeper } from "./registry-sweeper";
import { sweepRegistry } from "./sweep-registry";
import { CONTROL_TABLES, countControlRows, makeHeartbeat } from "./test-fixtures";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ max: 8 });
});

afterAll(async () => {
  await db?.close();
});

beforeEach(async () => {
  await db.pool.query(`TRUNCATE ${CONTROL_TABLES.join(", ")}`);
});

async function beat(overrides: Record<string, unknown>): Promise<void> {
  const result = await recordHeartbeat(heartbeatSchema.parse(makeHeartbeat(overrides)), { pool: db.pool });
  expect(result.accepted).toBe(true);
}

async function statuses(): Promise<Record<string, string>> {
  const { rows } = await db.pool.query<{ instance_id: string; status: string }>("SELECT instance_id, status FROM instances");
  return Object.fromEntries(rows.map((row) => [row.instance_id, row.status]));
}

const inMs = (ms: number) => new Date(Date.now() + ms);

describe("sweepRegistry", () => {
  it("counts a TTL from no earlier than graceFrom: a Breakwater that just started gives every instance one TTL to reach it", async () => {
    await beat({ instanceId: "a", ttlMs: 5_000 });
    await beat({ instanceId: "b", ttlMs: 20_000 });
    // Breakwater was down for a minute (no beat could land) and starts again at +60 s.
    const graceFrom = inMs(60_000);
    expect(await sweepRegistry(db.pool, { deregisterAfterS: 600, now: inMs(61_000), graceFrom })).toEqual({
      expired: [],
      deregistered: [],
    });
    expect(await statuses()).toEqual({ a: "healthy", b: "healthy" });
    // One TTL after the start without a beat, the usual rule applies again, per instance.
    const { expired } = await sweepRegistry(db.pool, { deregisterAfterS: 600, now: inMs(66_000), graceFrom });
    expect(expired.map((instance) => instance.instanceId)).toEqual(["a"]);
    expect(await statuses()).toEqual({ a: "unhealthy", b: "healthy" });
  });

  it("marks instances without a heartbeat within their TTL unhealthy, with a history row", async () => {
    await beat({ instanceId: "a", ttlMs: 5_000 });
    await beat({ instanceId: "b", ttlMs: 5_000, status: "degraded" });
    await beat({ instanceId: "c", ttlMs: 20_000 });
    await beat({ instanceId: "d", ttlMs: 5_000, status: "unhealthy" });

    expect(await sweepRegistry(db.pool, { deregisterAfterS: 60, now: inMs(1_000) })).toEqual({ expired: [], deregistered: [] });
    const { expired, deregistered } = await sweepRegistry(db.pool, { deregisterAfterS: 60, now: inMs(10_000) });
    expect(expired).toEqual([
      { instanceId: "a", service: "orders", fromStatus: "healthy" },
      { instanceId: "b", service: "orders", fromStatus: "degraded" },
    ]);
    expect(deregistered).toEqual([]);
    expect(await statuses()).toEqual({ a: "unhealthy", b: "unhealthy", c: "healthy", d: "unhealthy" });
    const { rows } = await db.pool.query<{ instance_id: string; from_status: string; to_status: string; reason: string }>(
      "SELECT instance_id, from_status, to_status, reason FROM instance_status_changes WHERE from_status IS NOT NULL ORDER BY instance_id",
    );
    expect(rows).toEqual([
      { instance_id: "a", from_status: "healthy", to_status: "unhealthy", reason: "no heartbeat for 5000 ms" },
      { instance_id: "b", from_status: "degraded", to_status: "unhealthy", reason: "no heartbeat for 5000 ms" },
    ]);
  });

  it("deregisters instances unhealthy for longer than deregisterAfterS since their last heartbeat", async () => {
    await beat({ instanceId: "a", ttlMs: 5_000 });
    await beat({ instanceId: "self-reported", status: "unhealthy" });
    await sweepRegistry(db.pool, { deregisterAfterS: 60, now: inMs(10_000) });
    expect((await sweepRegistry(db.pool, { deregisterAfterS: 60, now: inMs(50_000) })).deregistered).toEqual([]);

    const { expired, deregistered } = await sweepRegistry(db.pool, { deregisterAfterS: 60, now: inMs(61_000) });
    expect(expired).toEqual([]);
    expect(deregistered.map((instance) => instance.instanceId).sort()).toEqual(["a", "self-reported"]);
    expect(await statuses()).toEqual({ a: "deregistered", "self-reported": "deregistered" });
    const { rows } = await db.pool.query<{ reason: string }>(
      "SELECT reason FROM instance_status_changes WHERE instance_id = 'a' AND to_status = 'deregistered'",
    );
    expect(rows).toEqual([{ reason: "no heartbeat for 60 s" }]);
  });

  it("changes each instance once when several sweepers run at the same time", async () => {
    for (let i = 0; i < 40; i++) await beat({ instanceId: `i-${i}`, ttlMs: 1_000 });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => sweepRegistry(db.pool, { deregisterAfterS: 60, now: inMs(5_000) })),
    );
    const expiredIds = results.flatMap((result) => result.expired.map((instance) => instance.instanceId));
    expect(expiredIds.length).toBe(40);
    expect(new Set(expiredIds).size).toBe(40);
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM instance_status_changes WHERE to_status = 'unhealthy'",
    );
    expect(rows[0].n).toBe(40);
  });

  it("notifies discovery listeners with the service of each changed instance", async () => {
    await beat({ instanceId: "a", service: "catalog", ttlMs: 1_000 });
    const listener = new pg.Client({ ...db.pool.options });
    await listener.connect();
    try {
      await listener.query(`LISTEN ${DISCOVERY_CHANNEL}`);
      const payloads: string[] = [];
      listener.on("notification", (message) => payloads.push(message.payload ?? ""));
      await sweepRegistry(db.pool, { deregisterAfterS: 60, now: inMs(5_000) });
      await expect.poll(() => payloads, { timeout: 5_000 }).toContain("catalog");
    } finally {
      await listener.end();
    }
  });
});

describe("startRegistrySweeper", () => {
  it("expires an instance on its own shortly after its TTL", async () => {
    await beat({ instanceId: "short", ttlMs: 500 });
    const sweeper = startRegistrySweeper({
      pool: db.pool,
      env: { BREAKWATER_DEREGISTER_AFTER_S: 60, BREAKWATER_ROLLUP_RETENTION_DAYS: 30, BREAKWATER_MAINTENANCE_INTERVAL_S: 60 },
      log: silentLogger,
      intervalMs: 100,
    });
    try {
      await expect.poll(async () => (await statuses()).short, { timeout: 5_000, interval: 50 }).toBe("unhealthy");
    } finally {
      await sweeper.stop();
    }
  });
});

describe("pruneControlPlane", () => {
  it("removes long-deregistered instances, orphaned rows and history past retention", async () => {
    const now = Date.now();
    const days = (n: number) => new Date(now - n * 86_400_000);
    await beat({ instanceId: "live", service: "gateway" });
    await beat({ instanceId: "gone", service: "gateway" });
    await db.pool.query("UPDATE instances SET status = 'deregistered', status_since = $1 WHERE instance_id = 'gone'", [days(2)]);
    await db.pool.query(
      `INSERT INTO route_applied (route_id, gateway_instance_id, version, applied_at) VALUES ('r', 'live', 1, now()), ('r', 'gone', 1, now());
       INSERT INTO lb_counts VALUES ('live', 'r', 'v1', 'x', now() - interval '40 days', 1), ('live', 'r', 'v1', 'x', now(), 1);
       INSERT INTO breaker_transitions (owner_instance_id, owner_service, target_instance_id, target_service, from_state, to_state, at)
       VALUES ('live', 'gateway', 'x', 'orders', 'closed', 'open', now() - interval '40 days'),
              ('live', 'gateway', 'x', 'orders', 'open', 'half_open', now());
       INSERT INTO instance_status_changes (instance_id, service, to_status, at, reason)
       VALUES ('live', 'gateway', 'healthy', now() - interval '40 days', 'old');`,
    );
    const before = await countControlRows(db.pool);
    const result = await pruneControlPlane(db.pool, { retentionDays: 30, nowMs: now });
    expect(result).toEqual({
      instances: 1,
      breakers: 0,
      routeApplied: 1,
      statusChanges: 1,
      transitions: 1,
      lbCounts: 1,
      authEvents: 0,
    });
    const after = await countControlRows(db.pool);
    expect(after.instances).toBe(before.instances - 1);
    expect(await statuses()).toEqual({ live: "healthy" });
  });
});

describe("pruneControlPlane: auth_events", () => {
  it("drops rows past retention and refusals beyond the newest kept, keeping recent sign-ins and sign-outs", async () => {
    await db.pool.query("TRUNCATE auth_events");
    const insert = (kind: string, age: string, n: number) =>
      db.pool.query(
        `INSERT INTO auth_events (at, kind, method, path, status, reason, source)
         SELECT now() - $2::interval, $1, 'POST', '/x', 401, 'r', 's' FROM generate_series(1, $3)`,
        [kind, age, n],
      );
    await insert("login", "40 days", 1); // past retention
    await insert("login", "1 hour", 2);
    await insert("logout", "1 hour", 1);
    await insert("denied", "1 hour", 5);
    await insert("login_failed", "1 hour", 5);
    const result = await pruneControlPlane(db.pool, { retentionDays: 30, authRefusalsKept: 3 });
    expect(result.authEvents).toBe(1 + 7);
    const { rows } = await db.pool.query<{ kind: string; n: number }>(
      "SELECT kind, count(*)::int AS n FROM auth_events GROUP BY kind ORDER BY kind",
    );
    // The 3 newest refusals are the last inserted: failed sign-ins.
    expect(rows).toEqual([
      { kind: "login", n: 2 },
      { kind: "login_failed", n: 3 },
      { kind: "logout", n: 1 },
    ]);
  });
});
