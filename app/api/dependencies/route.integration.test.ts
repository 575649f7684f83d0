import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertResource, insertSpans, useTestDatabaseForQueries } from "@/lib/queries/test-fixtures";
import { GET } from "./route";

// 2025-11-21T10:00:00Z
const T0_US = 1_763_719_200_000_000n;
const T0_MS = 1_763_719_200_000;
const TRACE = "0af7651916cd43dd8448eb211c80319c";

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await insertResource(db.pool, "1", "any", {});
  await insertSpans(db.pool, [
    {
      traceId: TRACE,
      spanId: "0000000000000001",
      name: "GET /",
      startUs: T0_US + 1_000_000n,
      durationNs: 1n,
      service: "web",
      resourceId: "1",
    },
    {
      traceId: TRACE,
      spanId: "0000000000000002",
      parentSpanId: "0000000000000001",
      name: "q",
      startUs: T0_US + 1_000_001n,
      durationNs: 1n,
      service: "db",
      resourceId: "1",
    },
  ]);
});

afterAll(async () => {
  await db?.close();
});

describe("GET /api/dependencies", () => {
  it("returns parent/child/callCount links for the window given by endTs and lookback (ms)", async () => {
    const response = await GET(new Request(`http://test/api/dependencies?endTs=${T0_MS + 60_000}&lookback=120000`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: [{ parent: "web", child: "db", callCount: 1 }],
      total: 0,
      limit: 0,
      offset: 0,
      errors: null,
    });
  });

  it("is empty for a window without spans", async () => {
    const response = await GET(new Request(`http://test/api/dependencies?endTs=${T0_MS - 3_600_000}&lookback=60000`));
    expect((await response.json()).data).toEqual([]);
  });

  it("answers 400 naming a malformed parameter", async () => {
    for (const [query, param] of [
      ["endTs=yesterday", "endTs"],
      ["lookback=-5", "lookback"],
      ["lookback=0", "lookback"],
    ] as const) {
      const response = await GET(new Request(`http://test/api/dependencies?${query}`));
      expect(response.status, query).toBe(400);
      expect((await response.json()).errors[0].msg, query).toContain(`'${param}'`);
    }
  });
});
