import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertOperation, insertService, useTestDatabaseForQueries } from "@/lib/queries/test-fixtures";
import { GET as listOperations } from "../operations/route";
import { GET as listServiceOperations } from "./[service]/operations/route";
import { GET as listServices } from "./route";

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await insertService(db.pool, "web", 10, "2026-11-21T09:00:00Z", "2026-11-21T10:00:00Z");
  await insertService(db.pool, "payments", 3, "2026-11-21T09:00:00Z", "2026-11-21T10:00:00Z");
  await insertService(db.pool, "svc with/slash", 1, "2026-11-21T09:00:00Z", "2026-11-21T10:00:00Z");
  await insertOperation(db.pool, "web", "GET /a", 2);
  await insertOperation(db.pool, "web", "GET /a", 3);
  await insertOperation(db.pool, "web", "render", 1);
  await insertOperation(db.pool, "svc with/slash", "op", 2);
});

afterAll(async () => {
  await db?.close();
});

describe("GET /api/services", () => {
  it("lists service names in Jaeger's envelope", async () => {
    // Next.js passes a context whose params resolve to undefined for routes without dynamic segments.
    const response = await listServices(new Request("http://test/api/services"), { params: Promise.resolve(undefined) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: ["payments", "svc with/slash", "web"],
      total: 3,
      limit: 0,
      offset: 0,
      errors: null,
    });
  });
});

describe("GET /api/services/[service]/operations", () => {
  it("lists the operation names once each, all kinds", async () => {
    const response = await listServiceOperations(new Request("http://test/"), { params: Promise.resolve({ service: "web" }) });
    expect(await response.json()).toEqual({ data: ["GET /a", "render"], total: 2, limit: 0, offset: 0, errors: null });
  });

  it("works for names Next.js decoded from the path, and is empty for unknown services", async () => {
    const slash = await listServiceOperations(new Request("http://test/"), {
      params: Promise.resolve({ service: "svc with/slash" }),
    });
    expect((await slash.json()).data).toEqual(["op"]);
    const unknown = await listServiceOperations(new Request("http://test/"), { params: Promise.resolve({ service: "nobody" }) });
    expect(unknown.status).toBe(200);
    expect((await unknown.json()).data).toEqual([]);
  });
});

describe("GET /api/operations", () => {
  it("lists {name, spanKind} for a service", async () => {
    const response = await listOperations(new Request("http://test/api/operations?service=web"));
    expect(await response.json()).toEqual({
      data: [
        { name: "GET /a", spanKind: "server" },
        { name: "GET /a", spanKind: "client" },
        { name: "render", spanKind: "internal" },
      ],
      total: 3,
      limit: 0,
      offset: 0,
      errors: null,
    });
  });

  it("narrows by spanKind", async () => {
    const response = await listOperations(new Request("http://test/api/operations?service=web&spanKind=client"));
    expect((await response.json()).data).toEqual([{ name: "GET /a", spanKind: "client" }]);
  });

  it("answers 400 for a missing service or an unknown span kind", async () => {
    const missing = await listOperations(new Request("http://test/api/operations"));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      data: null,
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: 400, msg: "parameter 'service' is required" }],
    });
    const badKind = await listOperations(new Request("http://test/api/operations?service=web&spanKind=sideways"));
    expect(badKind.status).toBe(400);
    expect((await badKind.json()).errors[0].msg).toContain("'spanKind'");
  });
});
