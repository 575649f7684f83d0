import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postHeartbeat } from "@/app/api/v1/heartbeats/route";
import { resetEnvForTests } from "@/lib/env";
import { HEARTBEAT_MAX_BYTES } from "./contract";
import { sweepRegistry } from "./sweep-registry";
import {
  countControlRows,
  jsonRequest,
  makeBreaker,
  makeHeartbeat,
  problemDetail,
  setUpControlTestDatabase,
} from "./test-fixtures";

const URL_ = "http://breakwater.test/api/v1/heartbeats";

const db = setUpControlTestDatabase();

const send = (body: unknown, headers?: Record<string, string>) => postHeartbeat(jsonRequest(URL_, body, { headers }));

async function sendOk(body: unknown): Promise<{ accepted: boolean; status: string; reason?: string }> {
  const response = await send(body);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { accepted: boolean; status: string; reason?: string };
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

async function instanceRow(instanceId: string) {
  const { rows } = await db.pool.query<{
    status: string;
    last_sequence: string;
    last_heartbeat_at: Date;
    address: string;
    version: string;
  }>("SELECT status, last_sequence, last_heartbeat_at, address, version FROM instances WHERE instance_id = $1", [instanceId]);
  return rows[0];
}

async function statusChanges(instanceId: string) {
  const { rows } = await db.pool.query<{ from_status: string | null; to_status: string; reason: string }>(
    "SELECT from_status, to_status, reason FROM instance_status_changes WHERE instance_id = $1 ORDER BY id",
    [instanceId],
  );
  return rows;
}

describe("POST /api/v1/heartbeats: bad input", () => {
  /** A body over the limit, valid JSON up to that point. */
  const hugeBody = `{"service":"orders","padding":"${"x".repeat(HEARTBEAT_MAX_BYTES)}"}`;

  const cases: Array<{ name: string; request: () => Request; field: string }> = [
    { name: "sequence as a string", request: () => jsonRequest(URL_, makeHeartbeat({ sequence: "1" })), field: "sequence" },
    { name: "ttlMs of the wrong type", request: () => jsonRequest(URL_, makeHeartbeat({ ttlMs: true })), field: "ttlMs" },
    { name: "unknown status", request: () => jsonRequest(URL_, makeHeartbeat({ status: "sick" })), field: "status" },
    {
      name: "missing instanceId",
      request: () => jsonRequest(URL_, makeHeartbeat({ instanceId: undefined })),
      field: "instanceId: is required",
    },
    {
      name: "missing service",
      request: () => jsonRequest(URL_, makeHeartbeat({ service: undefined })),
      field: "service: is required",
    },
    {
      name: "missing version",
      request: () => jsonRequest(URL_, makeHeartbeat({ version: undefined })),
      field: "version: is required",
    },
    {
      name: "missing sentAt",
      request: () => jsonRequest(URL_, makeHeartbeat({ sentAt: undefined })),
      field: "sentAt: is required",
    },
    { name: "empty instanceId", request: () => jsonRequest(URL_, makeHeartbeat({ instanceId: "" })), field: "instanceId" },
    { name: "address not a URL", request: () => jsonRequest(URL_, makeHeartbeat({ address: "localhost:1" })), field: "address" },
    {
      name: "negative breaker calls",
      request: () => jsonRequest(URL_, makeHeartbeat({ breakers: [makeBreaker({ calls: -1 })] })),
      field: "breakers.0.calls",
    },
    {
      name: "breaker calls beyond the column",
      request: () => jsonRequest(URL_, makeHeartbeat({ breakers: [makeBreaker({ calls: 2 ** 40 })] })),
      field: "breakers.0.calls",
    },
    {
      name: "sentAt in the future",
      request: () => jsonRequest(URL_, makeHeartbeat({ sentAt: new Date(Date.now() + 60_000).toISOString() })),
      field: "sentAt",
    },
    { name: "sentAt long past", request: () => jsonRequest(URL_, makeHeartbeat({ sentAt: ago(10 * 60_000) })), field: "sentAt" },
    { name: "sentAt not a timestamp", request: () => jsonRequest(URL_, makeHeartbeat({ sentAt: "yesterday" })), field: "sentAt" },
    { name: "malformed JSON", request: () => jsonRequest(URL_, '{"service": "orders",'), field: "not valid JSON" },
    { name: "a JSON array", request: () => jsonRequest(URL_, "[]"), field: "body" },
    { name: "an empty body", request: () => jsonRequest(URL_, ""), field: "body" },
    {
      name: "a body over the limit with Content-Length",
      request: () => jsonRequest(URL_, hugeBody),
      field: `${HEARTBEAT_MAX_BYTES} bytes`,
    },
    {
      name: "a Content-Length over the limit, whatever the body",
      request: () => jsonRequest(URL_, makeHeartbeat(), { headers: { "content-length": String(HEARTBEAT_MAX_BYTES + 1) } }),
      field: `${HEARTBEAT_MAX_BYTES} bytes`,
    },
    {
      name: "a body over the limit without Content-Length (chunked)",
      request: () =>
        new Request(URL_, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: new Blob([hugeBody]).stream(),
          duplex: "half",
        } as RequestInit),
      field: `${HEARTBEAT_MAX_BYTES} bytes`,
    },
  ];

  it.each(cases)("$name → 400 naming it, nothing stored", async ({ request, field }) => {
    const response = await postHeartbeat(request());
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await problemDetail(response)).toContain(field);
    expect(Object.values(await countControlRows(db.pool)).every((n) => n === 0)).toBe(true);
  });

  it("stops reading a chunked body once it passes the limit", async () => {
    const chunk = new TextEncoder().encode(`"${"y".repeat(16 * 1024 - 2)}"`);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        // Endless: only a reader that stops at the limit lets this request finish.
        controller.enqueue(chunk);
      },
    });
    const response = await postHeartbeat(
      new Request(URL_, { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit),
    );
    expect(response.status).toBe(400);
    expect(await problemDetail(response)).toContain("HEARTBEAT_MAX_BYTES");
    expect(pulled).toBeLessThan(HEARTBEAT_MAX_BYTES + 4 * chunk.byteLength);
  });

  it.each([
    ["text/plain", "text/plain"],
    ["no content type", undefined],
    ["form data", "application/x-www-form-urlencoded"],
  ])("%s → 415, nothing stored", async (_name, contentType) => {
    const text = JSON.stringify(makeHeartbeat());
    const headers = new Headers();
    if (contentType !== undefined) headers.set("content-type", contentType);
    const request = new Request(URL_, { method: "POST", body: new TextEncoder().encode(text), headers });
    const response = await postHeartbeat(request);
    expect(response.status).toBe(415);
    expect(await problemDetail(response)).toContain("application/json");
    expect((await countControlRows(db.pool)).instances).toBe(0);
  });
});

describe("POST /api/v1/heartbeats: machine token", () => {
  beforeAll(() => {
    process.env.BREAKWATER_INGEST_TOKENS = "s3cret,other";
    resetEnvForTests();
  });
  afterAll(() => {
    delete process.env.BREAKWATER_INGEST_TOKENS;
    resetEnvForTests();
  });

  it("401 with a challenge when the token is missing or wrong, 200 with a configured one", async () => {
    const missing = await send(makeHeartbeat());
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="breakwater-ingest"');
    const wrong = await send(makeHeartbeat(), { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect((await countControlRows(db.pool)).instances).toBe(0);

    const ok = await send(makeHeartbeat(), { authorization: "Bearer other" });
    expect(ok.status).toBe(200);
    expect((await countControlRows(db.pool)).instances).toBe(1);
  });
});

describe("POST /api/v1/heartbeats: registry", () => {
  it("registers an instance, records its status changes, and updates address and version", async () => {
    expect(await sendOk(makeHeartbeat({ instanceId: "o-1" }))).toEqual({ accepted: true, status: "healthy" });
    expect(await sendOk(makeHeartbeat({ instanceId: "o-1" }))).toEqual({ accepted: true, status: "healthy" });
    expect(await sendOk(makeHeartbeat({ instanceId: "o-1", status: "degraded", address: "http://127.0.0.1:9000" }))).toEqual({
      accepted: true,
      status: "degraded",
    });
    const row = await instanceRow("o-1");
    expect(row.status).toBe("degraded");
    expect(row.address).toBe("http://127.0.0.1:9000");
    expect(await statusChanges("o-1")).toEqual([
      { from_status: null, to_status: "healthy", reason: "registered, reported healthy" },
      { from_status: "healthy", to_status: "degraded", reason: "reported degraded" },
    ]);
  });

  it("ignores a beat that is not newer than the last accepted one", async () => {
    const sentAt = ago(1000);
    await sendOk(makeHeartbeat({ instanceId: "o-2", sentAt, sequence: 5 }));
    for (const older of [
      { sentAt, sequence: 4 },
      { sentAt, sequence: 5 },
      { sentAt: ago(2000), sequence: 99 },
    ]) {
      expect(await sendOk(makeHeartbeat({ instanceId: "o-2", ...older, status: "unhealthy", version: "v9" }))).toEqual({
        accepted: false,
        status: "healthy",
        reason: "out of order",
      });
    }
    const row = await instanceRow("o-2");
    expect(row).toMatchObject({ status: "healthy", version: "v1", last_sequence: "5" });
    expect(row.last_heartbeat_at.toISOString()).toBe(sentAt);
    // Same sentAt, higher sequence: newer.
    expect(await sendOk(makeHeartbeat({ instanceId: "o-2", sentAt, sequence: 6 }))).toMatchObject({ accepted: true });
  });

  it("a stale beat neither registers an instance nor revives an unhealthy one", async () => {
    // Older than its own TTL on arrival.
    expect(await sendOk(makeHeartbeat({ instanceId: "o-3", sentAt: ago(6_000), ttlMs: 5_000 }))).toEqual({
      accepted: false,
      status: "unhealthy",
      reason: "stale",
    });
    expect(await instanceRow("o-3")).toBeUndefined();

    await sendOk(makeHeartbeat({ instanceId: "o-3", sentAt: ago(10_000), ttlMs: 30_000 }));
    const { expired } = await sweepRegistry(db.pool, { deregisterAfterS: 60, now: new Date(Date.now() + 35_000) });
    expect(expired.map((instance) => instance.instanceId)).toEqual(["o-3"]);
    expect(await sendOk(makeHeartbeat({ instanceId: "o-3", sentAt: ago(9_000), ttlMs: 5_000 }))).toEqual({
      accepted: false,
      status: "unhealthy",
      reason: "stale",
    });
    expect((await instanceRow("o-3")).status).toBe("unhealthy");
    // A fresh beat does revive it.
    expect(await sendOk(makeHeartbeat({ instanceId: "o-3" }))).toEqual({ accepted: true, status: "healthy" });
    expect((await statusChanges("o-3")).map((change) => change.reason)).toEqual([
      "registered, reported healthy",
      "no heartbeat for 30000 ms",
      "heartbeats resumed, reported healthy",
    ]);
  });

  it("stores the owner's breakers, each transition once, and drops breakers it no longer reports", async () => {
    const opened = { from: "closed", to: "open", at: ago(3000), reason: "failure rate 100% ≥ 50% over 5 calls" };
    const halfOpen = { from: "open", to: "half_open", at: ago(1000), reason: "open wait 5000 ms elapsed" };
    await sendOk(
      makeHeartbeat({
        instanceId: "gw-1",
        service: "gateway",
        breakers: [
          makeBreaker({ state: "open", transitions: [opened] }),
          makeBreaker({ targetInstanceId: "payments-2", transitions: [] }),
        ],
      }),
    );
    // Re-sent (not yet acknowledged as far as the owner knows) together with a new one.
    await sendOk(
      makeHeartbeat({
        instanceId: "gw-1",
        service: "gateway",
        breakers: [makeBreaker({ state: "half_open", calls: 2, transitions: [opened, halfOpen] })],
      }),
    );
    const transitions = await db.pool.query<{ from_state: string; to_state: string; reason: string }>(
      "SELECT from_state, to_state, reason FROM breaker_transitions ORDER BY at",
    );
    expect(transitions.rows).toEqual([
      { from_state: "closed", to_state: "open", reason: opened.reason },
      { from_state: "open", to_state: "half_open", reason: halfOpen.reason },
    ]);
    const breakers = await db.pool.query<{ target_instance_id: string; state: string; calls: number; owner_service: string }>(
      "SELECT target_instance_id, state, calls, owner_service FROM breakers",
    );
    expect(breakers.rows).toEqual([{ target_instance_id: "payments-1", state: "half_open", calls: 2, owner_service: "gateway" }]);
  });

  it("adds load-balancer counts up", async () => {
    const counts = (n: number) => [
      { route: "orders", backend: "v1", instanceId: "orders-1", requests: n },
      { route: "orders", backend: "v2", instanceId: "orders-9", requests: 1 },
      { route: "orders", backend: "v1", instanceId: "orders-1", requests: 2 },
    ];
    await sendOk(makeHeartbeat({ instanceId: "gw-2", service: "gateway", lbCounts: counts(3) }));
    await sendOk(makeHeartbeat({ instanceId: "gw-2", service: "gateway", lbCounts: counts(4) }));
    const { rows } = await db.pool.query<{ backend: string; upstream_instance_id: string; requests: string; aligned: boolean }>(
      `SELECT backend, upstream_instance_id, sum(requests)::text AS requests,
              bool_and(extract(epoch FROM bucket_start)::numeric % 10 = 0) AS aligned
         FROM lb_counts WHERE gateway_instance_id = 'gw-2' GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { backend: "v1", upstream_instance_id: "orders-1", requests: "11", aligned: true },
      { backend: "v2", upstream_instance_id: "orders-9", requests: "2", aligned: true },
    ]);
  });

  it("keeps the newest applied route version per gateway and the applied config", async () => {
    const applied = (version: number) => ({
      version: "abc",
      appliedAt: ago(500),
      routes: [{ id: "orders", version }],
      configAgeMs: 1234,
    });
    await sendOk(makeHeartbeat({ instanceId: "gw-3", service: "gateway", appliedConfig: applied(2) }));
    await sendOk(makeHeartbeat({ instanceId: "gw-3", service: "gateway", appliedConfig: applied(1) }));
    const { rows } = await db.pool.query<{ version: number }>(
      "SELECT version FROM route_applied WHERE route_id = 'orders' AND gateway_instance_id = 'gw-3'",
    );
    expect(rows).toEqual([{ version: 2 }]);
    const instance = await db.pool.query<{ config_age_ms: string; applied_config: { version: string } }>(
      "SELECT config_age_ms, applied_config FROM instances WHERE instance_id = 'gw-3'",
    );
    expect(instance.rows[0].config_age_ms).toBe("1234");
    expect(instance.rows[0].applied_config.version).toBe("abc");
  });

  it("stores strings PostgreSQL would refuse (NUL, lone surrogates) instead of failing", async () => {
    await sendOk(makeHeartbeat({ instanceId: "o-4", checks: [{ name: "db\u0000", status: "warn", detail: "x\ud800y" }] }));
    const { rows } = await db.pool.query<{ checks: { name: string; detail: string }[] }>(
      "SELECT checks FROM instances WHERE instance_id = 'o-4'",
    );
    expect(rows[0].checks[0]).toMatchObject({ name: "db\uFFFD", detail: "x\uFFFDy" });
  });
});
