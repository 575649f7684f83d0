import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOperations } from "./list-operations";
import { listServices } from "./list-services";
import { insertOperation, insertService, useTestDatabaseForQueries } from "./test-fixtures";

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await insertService(db.pool, "web", 1_234, "2026-11-21T09:00:00.123456Z", "2026-11-21T10:30:00Z");
  await insertService(db.pool, "payments", 7, "2026-11-21T09:30:00Z", "2026-11-21T10:00:00Z");
  await insertOperation(db.pool, "web", "GET /a", 2);
  await insertOperation(db.pool, "web", "GET /a", 3);
  await insertOperation(db.pool, "web", "POST /charge", 3);
  await insertOperation(db.pool, "web", "render", 1);
  await insertOperation(db.pool, "web", "legacy", 0);
  await insertOperation(db.pool, "payments", "charge", 2);
});

afterAll(async () => {
  await db?.close();
});

describe("listOperations", () => {
  it("lists a service's operations with their Jaeger span kind, sorted by name (code points) then kind", async () => {
    expect(await listOperations("web")).toEqual([
      { name: "GET /a", spanKind: "server" },
      { name: "GET /a", spanKind: "client" },
      { name: "POST /charge", spanKind: "client" },
      { name: "legacy", spanKind: "" },
      { name: "render", spanKind: "internal" },
    ]);
  });

  it("narrows to one span kind", async () => {
    expect(await listOperations("web", "client")).toEqual([
      { name: "GET /a", spanKind: "client" },
      { name: "POST /charge", spanKind: "client" },
    ]);
    expect(await listOperations("payments", "client")).toEqual([]);
  });

  it("returns nothing for an unknown service and refuses an empty one", async () => {
    expect(await listOperations("nobody")).toEqual([]);
    await expect(listOperations("")).rejects.toThrow();
  });
});

describe("listServices", () => {
  it("lists services sorted by name with counts and ISO first/last seen", async () => {
    expect(await listServices()).toEqual([
      { name: "payments", spanCount: 7, firstSeen: "2026-11-21T09:30:00.000Z", lastSeen: "2026-11-21T10:00:00.000Z" },
      { name: "web", spanCount: 1_234, firstSeen: "2026-11-21T09:00:00.123Z", lastSeen: "2026-11-21T10:30:00.000Z" },
    ]);
  });
});
