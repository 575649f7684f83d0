import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { type DiscoveryChanges, NOTIFY_DISCOVERY_SQL, startDiscoveryChanges, stopDiscoveryChanges } from "./discovery-changes";

let db: TestDatabase;
let changes: DiscoveryChanges;

beforeAll(async () => {
  db = await createTestDatabase();
  changes = startDiscoveryChanges({ pool: db.pool, log: { info: () => {}, warn: () => {} } });
  const deadline = Date.now() + 10_000;
  while (!changes.isListening()) {
    if (Date.now() > deadline) throw new Error("the discovery listener did not connect within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});

afterAll(async () => {
  await stopDiscoveryChanges();
  await db?.close();
});

// Unique per run: the channel is database-wide, and other test files may notify on it too.
const service = (name: string) => `${name}-${process.pid}-${Date.now()}`;

describe("discovery changes", () => {
  it("is one listener per process", () => {
    expect(startDiscoveryChanges()).toBe(changes);
  });

  it("wakes a subscription when its service is notified, and only then", async () => {
    const watched = service("orders");
    const subscription = changes.subscribe([watched]);
    try {
      const started = Date.now();
      const waiting = subscription.next(10_000);
      await db.pool.query(NOTIFY_DISCOVERY_SQL, [service("other")]);
      await db.pool.query(NOTIFY_DISCOVERY_SQL, [watched]);
      await waiting;
      expect(Date.now() - started).toBeLessThan(5_000);

      // Nothing pending now: the next wait runs to its timeout.
      const quiet = Date.now();
      await subscription.next(200);
      expect(Date.now() - quiet).toBeGreaterThanOrEqual(190);
    } finally {
      subscription.close();
    }
  });

  it("keeps a notification that arrives between two waits", async () => {
    const watched = service("catalog");
    const subscription = changes.subscribe([watched]);
    try {
      await db.pool.query(NOTIFY_DISCOVERY_SQL, [watched]);
      // Delivered while nobody waits…
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      // …so this wait returns at once.
      await subscription.next(10_000);
      expect(Date.now() - started).toBeLessThan(100);
    } finally {
      subscription.close();
    }
  });

  it("does not announce a change that was rolled back", async () => {
    const watched = service("payments");
    const subscription = changes.subscribe([watched]);
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(NOTIFY_DISCOVERY_SQL, [watched]);
      await client.query("ROLLBACK");
      const started = Date.now();
      await subscription.next(300);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      client.release();
      subscription.close();
    }
  });

  it("reconnects after its connection is killed, waking waiters", async () => {
    const subscription = changes.subscribe([service("inventory")]);
    try {
      const waiting = subscription.next(20_000);
      await db.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [
        `breakwater-discovery-${process.pid}`,
      ]);
      await waiting;
      await expect.poll(() => changes.isListening(), { timeout: 10_000 }).toBe(true);
      // Listening again: a new notification gets through.
      const watched = service("inventory-2");
      const again = changes.subscribe([watched]);
      try {
        const next = again.next(10_000);
        const started = Date.now();
        await db.pool.query(NOTIFY_DISCOVERY_SQL, [watched]);
        await next;
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        again.close();
      }
    } finally {
      subscription.close();
    }
  });
});
