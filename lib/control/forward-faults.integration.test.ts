import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE, GET, PUT } from "@/app/api/v1/instances/[instanceId]/faults/route";
import { POST as postHeartbeat } from "@/app/api/v1/heartbeats/route";
import { useTestDatabaseForQueries } from "@/lib/queries/test-fixtures";
import { createTestSession, sameOriginHeaders } from "@/lib/test/auth";
import { type FaultSpec, faultSpecSchema, NO_FAULTS } from "./contract";
import { stopDiscoveryChanges } from "./discovery-changes";
import { FAULT_FORWARD_TIMEOUT_MS } from "./forward-faults";
import { jsonRequest, makeHeartbeat, problemDetail } from "./test-fixtures";

const BASE = "http://breakwater.test/api/v1";

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;
let instance: http.Server;
let hanging: http.Server;
let faults: FaultSpec = NO_FAULTS;
// PUT and DELETE need an operator session (lib/auth/guard); set in beforeAll.
let operator: Record<string, string> = {};
const seenPaths: string[] = [];

/** A real HTTP server that behaves like a demo instance's admin endpoint. */
function startInstance(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    seenPaths.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.url !== "/admin/faults") {
        res.writeHead(404).end();
        return;
      }
      if (req.method === "PUT") faults = faultSpecSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      if (req.method === "DELETE") faults = NO_FAULTS;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(faults));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const port = (server: http.Server) => (server.address() as AddressInfo).port;
const context = (instanceId: string) => ({ params: Promise.resolve({ instanceId }) });
const faultsUrl = (instanceId: string) => `${BASE}/instances/${instanceId}/faults`;

async function beat(overrides: Record<string, unknown>): Promise<void> {
  const response = await postHeartbeat(jsonRequest(`${BASE}/heartbeats`, makeHeartbeat(overrides)));
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  instance = await startInstance();
  // Accepts connections and requests, never answers.
  hanging = http.createServer(() => {});
  await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  await beat({ instanceId: "orders-1", address: `http://127.0.0.1:${port(instance)}` });
  await beat({ instanceId: "orders-hung", address: `http://127.0.0.1:${port(hanging)}/` });
  await beat({ instanceId: "orders-gone", address: "http://127.0.0.1:9" });
  await beat({ instanceId: "orders-old", address: `http://127.0.0.1:${port(instance)}` });
  await db.pool.query("UPDATE instances SET status = 'deregistered' WHERE instance_id = 'orders-old'");
  const { cookie } = await createTestSession({ username: "operator", role: "operator" });
  operator = { cookie, ...sameOriginHeaders(BASE) };
});

afterAll(async () => {
  hanging?.closeAllConnections();
  await new Promise((resolve) => hanging?.close(resolve));
  await new Promise((resolve) => instance?.close(resolve));
  await stopDiscoveryChanges();
  await db?.close();
});

describe("/api/v1/instances/{instanceId}/faults", () => {
  it("forwards GET, PUT and DELETE to the instance's /admin/faults", async () => {
    const initial = await GET(new Request(faultsUrl("orders-1")), context("orders-1"));
    expect(initial.status).toBe(200);
    expect(await initial.json()).toEqual(NO_FAULTS);

    const put = await PUT(
      jsonRequest(faultsUrl("orders-1"), { latencyMs: 200, errorRate: 0.5 }, { method: "PUT", headers: operator }),
      context("orders-1"),
    );
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ latencyMs: 200, errorRate: 0.5, errorStatus: 503, hang: false });
    expect(faults.latencyMs).toBe(200);

    const reset = await DELETE(new Request(faultsUrl("orders-1"), { method: "DELETE", headers: operator }), context("orders-1"));
    expect(await reset.json()).toEqual(NO_FAULTS);
    expect(seenPaths).toEqual(["GET /admin/faults", "PUT /admin/faults", "DELETE /admin/faults"]);
  });

  it("validates a PUT body before forwarding it", async () => {
    const before = seenPaths.length;
    const response = await PUT(
      jsonRequest(faultsUrl("orders-1"), { errorRate: 2 }, { method: "PUT", headers: operator }),
      context("orders-1"),
    );
    expect(response.status).toBe(400);
    expect(await problemDetail(response)).toContain("errorRate");
    expect(seenPaths.length).toBe(before);
  });

  it("404 for an unknown instance, 409 for a deregistered one", async () => {
    const unknown = await GET(new Request(faultsUrl("nope")), context("nope"));
    expect(unknown.status).toBe(404);
    const deregistered = await GET(new Request(faultsUrl("orders-old")), context("orders-old"));
    expect(deregistered.status).toBe(409);
    expect(await problemDetail(deregistered)).toContain("deregistered");
  });

  it("502 naming the instance when it cannot be reached", async () => {
    const response = await GET(new Request(faultsUrl("orders-gone")), context("orders-gone"));
    expect(response.status).toBe(502);
    expect(await problemDetail(response)).toContain('could not reach instance "orders-gone" at http://127.0.0.1:9');
  });

  it(`502 when the instance does not answer within ${FAULT_FORWARD_TIMEOUT_MS} ms`, async () => {
    const started = Date.now();
    const response = await GET(new Request(faultsUrl("orders-hung")), context("orders-hung"));
    expect(response.status).toBe(502);
    expect(await problemDetail(response)).toContain(`did not answer within ${FAULT_FORWARD_TIMEOUT_MS} ms`);
    expect(Date.now() - started).toBeLessThan(FAULT_FORWARD_TIMEOUT_MS + 5_000);
  });
});
