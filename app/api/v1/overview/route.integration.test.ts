import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SPAN_KIND } from "@/lib/otlp/model";
import { insertService, useTestDatabaseForQueries } from "@/lib/queries/test-fixtures";
import { overviewResponseSchema } from "@/lib/query-client/overview-schemas";
import { RollupAccumulator } from "@/lib/rollups/rollup-rows";
import { ensureRollupPartitions } from "@/lib/rollups/ensure-rollup-partitions";
import { writeRollups } from "@/lib/rollups/write-rollups";
import { GET } from "./route";

const MINUTE_MS = 60_000;
// Two minutes ago, so the default window (the last hour) and range=5m both hold it.
const CALL_MS = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 2 * MINUTE_MS;
const context = { params: Promise.resolve(undefined) };
const get = (query = "") => GET(new Request(`http://localhost/api/v1/overview${query}`), context);

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  const rollups = new RollupAccumulator();
  for (let i = 0; i < 30; i++) {
    rollups.addServiceCall("orders", "GET /orders", SPAN_KIND.SERVER, {
      startUs: (CALL_MS + i * 1_000) * 1_000,
      durationNs: 20_000_000,
      isError: i < 3,
    });
  }
  await ensureRollupPartitions(db.pool, [Math.floor(CALL_MS / 86_400_000) * 86_400_000]);
  const client = await db.pool.connect();
  try {
    await writeRollups(client, rollups.rows());
  } finally {
    client.release();
  }
  await insertService(db.pool, "orders", 30, new Date(CALL_MS).toISOString(), new Date(CALL_MS + 29_000).toISOString());
});

afterAll(async () => {
  await db?.close();
});

describe("GET /api/v1/overview", () => {
  it("answers the last hour by default and a preset range, in the client's schema", async () => {
    for (const query of ["", "?range=5m"]) {
      const response = await get(query);
      expect(response.status).toBe(200);
      const body = overviewResponseSchema.parse(await response.json());
      const orders = body.services.find((service) => service.name === "orders");
      expect(orders).toMatchObject({ basis: "server", requests: 30, errors: 3, errorPercent: 10, spanCount: 30 });
      // Every call took 20 ms; the histogram reports its bucket within 2 %.
      expect(Math.abs(orders!.p50Ms! - 20) / 20).toBeLessThan(0.02);
      expect(body.bucketMs).toBe(MINUTE_MS);
    }
  });

  it("answers a custom range with the window it counted", async () => {
    const from = new Date(CALL_MS).toISOString();
    const to = new Date(CALL_MS + MINUTE_MS).toISOString();
    const response = await get(`?range=custom&from=${from}&to=${to}`);
    const body = overviewResponseSchema.parse(await response.json());
    expect(body).toMatchObject({ windowStartMs: CALL_MS, windowEndMs: CALL_MS + MINUTE_MS });
    expect(body.services[0]).toMatchObject({ name: "orders", requests: 30, requestRate: 0.5 });
  });

  it("refuses a bad range with problem+json naming the parameter", async () => {
    for (const [query, param, detail] of [
      ["?range=2w", "range", /range must be one of/],
      ["?range=custom&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from", /starts after it ends/],
      ["?range=custom&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z", "from", /at most 7 days/],
    ] as const) {
      const response = await get(query);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const body = (await response.json()) as { detail: string };
      expect(body.detail).toMatch(detail);
      expect(body.detail.startsWith(`${param}:`)).toBe(true);
    }
  });
});
