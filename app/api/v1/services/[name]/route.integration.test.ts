import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabaseForQueries } from "@/lib/queries/test-fixtures";
import { ingestDemoShapeRollups } from "@/lib/queries/topology-test-ingest";
import {
  serviceAnnotationsResponseSchema,
  serviceEdgesResponseSchema,
  serviceInstancesResponseSchema,
  serviceOperationsResponseSchema,
  serviceSeriesResponseSchema,
  serviceSummaryResponseSchema,
} from "@/lib/query-client/service-detail-schemas";
import { GET as getAnnotations } from "./annotations/route";
import { GET as getEdges } from "./edges/route";
import { GET as getInstances } from "./instances/route";
import { GET as getOperations } from "./operations/route";
import { GET as getSummary } from "./route";
import { GET as getSeries } from "./series/route";

// The service routes over the demo shape (10 order traces through gateway → orders →
// inventory / payments) ingested a few minutes ago, so the default range covers it: status
// codes, parameter validation and the browser's schemas. The numbers are checked in
// lib/queries/get-service-detail.integration.test.ts.

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  await ingestDemoShapeRollups(db.pool, Date.now() - 3 * 60_000);
});
afterAll(async () => {
  await db?.close();
});

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const get = (handler: Handler, name: string, query = "") =>
  handler(new Request(`http://localhost/api/v1/services/${encodeURIComponent(name)}${query}`), {
    params: Promise.resolve({ name }),
  });

describe("GET /api/v1/services/{name}", () => {
  it("describes a known service, and a virtual node as virtual", async () => {
    const orders = serviceSummaryResponseSchema.parse(await (await get(getSummary, "orders")).json());
    expect(orders.service).toMatchObject({ name: "orders", instanceCount: 0, isVirtual: false });
    expect(orders.service.spanCount).toBeGreaterThan(0);
    const postgresql = serviceSummaryResponseSchema.parse(await (await get(getSummary, "postgresql")).json());
    expect(postgresql.service).toMatchObject({ isVirtual: true, firstSeen: null });
  });

  it("answers 404 problem+json for an unknown service and 400 for a bad range", async () => {
    const unknown = await get(getSummary, "no such service");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
    expect((await unknown.json()).detail).toContain('"no such service"');
    const bad = await get(getSummary, "orders", "?range=2h");
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toMatch(/^range: /);
  });
});

describe("GET /api/v1/services/{name}/series", () => {
  it("answers the service's buckets, and one operation's", async () => {
    const service = serviceSeriesResponseSchema.parse(await (await get(getSeries, "orders", "?range=15m")).json());
    expect(service.bucketMs).toBe(60_000);
    expect(service.spanKinds).toEqual([2, 5]);
    expect(service.buckets.reduce((sum, bucket) => sum + bucket.calls, 0)).toBe(10);
    const operation = serviceSeriesResponseSchema.parse(
      await (await get(getSeries, "orders", "?range=15m&operation=POST%20%2Forders&kind=server")).json(),
    );
    expect(operation).toMatchObject({ operation: "POST /orders", spanKinds: [2] });
    expect(operation.buckets.reduce((sum, bucket) => sum + bucket.calls, 0)).toBe(10);
  });

  it("names a bad kind, a custom range over 7 days and a range ending before it starts", async () => {
    const badKind = await get(getSeries, "orders", "?operation=x&kind=sever");
    expect(badKind.status).toBe(400);
    expect((await badKind.json()).detail).toMatch(/^kind: kind must be one of/);
    const long = await get(getSeries, "orders", "?range=custom&from=2026-11-01T00:00:00Z&to=2026-11-09T00:00:00Z");
    expect(long.status).toBe(400);
    expect((await long.json()).detail).toMatch(/at most 7 days/);
    const backwards = await get(getSeries, "orders", "?range=custom&from=2026-11-09T00:00:00Z&to=2026-11-01T00:00:00Z");
    expect(backwards.status).toBe(400);
  });
});

describe("GET /api/v1/services/{name}/operations, edges, instances, annotations", () => {
  it("answer in the browser's schemas", async () => {
    const operations = serviceOperationsResponseSchema.parse(await (await get(getOperations, "orders")).json());
    expect(operations.operations.map((o) => o.operation)).toContain("POST /orders");
    const edges = serviceEdgesResponseSchema.parse(await (await get(getEdges, "orders")).json());
    expect(edges.upstream.map((e) => e.peer)).toEqual(["gateway"]);
    expect(edges.downstream.map((e) => e.peer).sort()).toEqual(["inventory", "payments"]);
    const instances = serviceInstancesResponseSchema.parse(await (await get(getInstances, "orders")).json());
    expect(instances.instances).toEqual([]);
    const annotations = serviceAnnotationsResponseSchema.parse(await (await get(getAnnotations, "orders")).json());
    expect(annotations).toMatchObject({ routeChanges: [], breakerTransitions: [], isTruncated: false });
  });

  it("answer empty lists for an unknown service", async () => {
    const operations = serviceOperationsResponseSchema.parse(await (await get(getOperations, "nope")).json());
    expect(operations).toMatchObject({ operations: [], totalOperations: 0 });
  });
});
