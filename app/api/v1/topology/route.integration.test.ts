import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabaseForQueries } from "@/lib/queries/test-fixtures";
import { ingestDemoShapeRollups } from "@/lib/queries/topology-test-ingest";
import { seriesResponseSchema, topologyResponseSchema } from "@/lib/query-client/topology-schemas";
import { GET as getEdgeSeries } from "../edges/series/route";
import { GET as getTopology } from "./route";

// The two topology routes over the demo shape, ingested a few minutes ago so the default
// range (the last hour) covers it. The numbers themselves are checked in lib/queries.

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await ingestDemoShapeRollups(db.pool, Date.now() - 3 * 60_000);
});
afterAll(async () => {
  await db?.close();
});

const get = (handler: (request: Request) => Promise<Response>, path: string) => handler(new Request(`http://localhost${path}`));

describe("GET /api/v1/topology", () => {
  it("answers the graph of the default range in the browser's schema", async () => {
    const response = await get(getTopology, "/api/v1/topology");
    expect(response.status).toBe(200);
    const body = topologyResponseSchema.parse(await response.json());
    expect(body.nodes.map((node) => node.id)).toEqual([
      "card-network",
      "catalog",
      "gateway",
      "inventory",
      "loadgen",
      "orders",
      "payments",
      "postgresql",
    ]);
    expect(body.edges).toHaveLength(7);
    expect(body.toMs - body.fromMs).toBeGreaterThanOrEqual(3_600_000);
  });

  it("answers 400 problem+json naming a bad range", async () => {
    const response = await get(getTopology, "/api/v1/topology?range=2h");
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect((await response.json()).detail).toMatch(/^range: /);
  });
});

describe("GET /api/v1/edges/series", () => {
  it("answers an edge's buckets over the range", async () => {
    const response = await get(getEdgeSeries, "/api/v1/edges/series?caller=loadgen&callee=gateway&range=15m");
    expect(response.status).toBe(200);
    const body = seriesResponseSchema.parse(await response.json());
    expect(body.bucketMs).toBe(60_000);
    expect(body.points.length).toBeGreaterThanOrEqual(15);
    expect(body.points.reduce((sum, point) => sum + point.calls, 0)).toBe(20);
  });

  it("requires the callee", async () => {
    const response = await get(getEdgeSeries, "/api/v1/edges/series?caller=loadgen");
    expect(response.status).toBe(400);
    expect((await response.json()).detail).toBe("parameter 'callee' is required");
  });
});
