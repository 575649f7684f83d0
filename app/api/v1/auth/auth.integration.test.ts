import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as postHeartbeat } from "@/app/api/v1/heartbeats/route";
import { GET as getInstances } from "@/app/api/v1/instances/route";
import { DELETE as deleteFaults, GET as getFaults, PUT as putFaults } from "@/app/api/v1/instances/[instanceId]/faults/route";
import { GET as getOverview } from "@/app/api/v1/overview/route";
import { GET as getServices } from "@/app/api/services/route";
import { POST as login } from "@/app/api/v1/auth/login/route";
import { POST as logout } from "@/app/api/v1/auth/logout/route";
import { GET as getSession } from "@/app/api/v1/auth/session/route";
import { requireViewer, SESSION_CHALLENGE } from "@/lib/auth/guard";
import { hashPassword } from "@/lib/auth/hash-password";
import { sessionResponseSchema } from "@/lib/auth/contract";
import { faultSpecSchema, NO_FAULTS, type FaultSpec } from "@/lib/control/contract";
import { stopDiscoveryChanges } from "@/lib/control/discovery-changes";
import { jsonRequest, makeHeartbeat } from "@/lib/control/test-fixtures";
import { resetEnvForTests } from "@/lib/env";
import { createOtlpHttpHandler } from "@/lib/ingest/http-receiver";
import { SpanWriter } from "@/lib/ingest/span-writer";
import { useTestDatabaseForQueries } from "@/lib/queries/test-fixtures";
import { createLogger } from "@/lib/server/logger";
import { createTestSession, sameOriginHeaders } from "@/lib/test/auth";
import { jsonBody, makeSpan } from "@/lib/test/otlp-requests";
import { parseEnv } from "@/lib/env";

const ORIGIN = "http://breakwater.test";
const BASE = `${ORIGIN}/api/v1`;
const MACHINE_TOKEN = "machine-token-for-auth-tests-0123456789";

let db: Awaited<ReturnType<typeof useTestDatabaseForQueries>>;
let instance: http.Server;
let faults: FaultSpec = NO_FAULTS;
let instanceCalls = 0;

/** A real HTTP server standing in for a demo instance's /admin/faults. */
function startInstance(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    instanceCalls += 1;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.method === "PUT") faults = faultSpecSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      if (req.method === "DELETE") faults = NO_FAULTS;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(faults));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const saved: Record<string, string | undefined> = {};
/** Sets environment variables for one test (restored in afterEach). */
function useEnv(vars: Record<string, string>): void {
  for (const [key, value] of Object.entries(vars)) {
    if (!(key in saved)) saved[key] = process.env[key];
    process.env[key] = value;
  }
  resetEnvForTests();
}
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
    delete saved[key];
  }
  resetEnvForTests();
});

const context = { params: Promise.resolve({ instanceId: "orders-1" }) };
const faultsUrl = `${BASE}/instances/orders-1/faults`;
let addressSeq = 0;
/** A distinct client address per request, so throttling of one test does not leak into another. */
const nextAddress = () => `203.0.113.${++addressSeq}`;

function faultPut(headers: Record<string, string> = {}): Request {
  return jsonRequest(faultsUrl, { latencyMs: 150 }, { method: "PUT", headers: { "x-forwarded-for": nextAddress(), ...headers } });
}

async function countRows(): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM sessions) AS sessions, (SELECT count(*)::int FROM users) AS users,
            (SELECT count(*)::int FROM routes) AS routes, (SELECT count(*)::int FROM auth_events) AS auth_events,
            (SELECT count(*)::int FROM instances) AS instances`,
  );
  return rows[0];
}

type AuthEventRow = {
  kind: string;
  username: string | null;
  role: string | null;
  method: string;
  path: string;
  status: number;
  reason: string;
  source: string;
  user_agent: string | null;
};
async function lastAuthEvent(): Promise<AuthEventRow> {
  const { rows } = await db.pool.query<AuthEventRow>(
    "SELECT kind, username, role, method, path, status, reason, source, user_agent FROM auth_events ORDER BY id DESC LIMIT 1",
  );
  return rows[0];
}

/** Runs a request that must be refused; checks that exactly one auth_events row was written for it. */
async function expectRefused(send: () => Promise<Response>, status: 401 | 403): Promise<AuthEventRow> {
  const before = (await countRows()).auth_events;
  const calls = instanceCalls;
  const answer = await send();
  expect(answer.status).toBe(status);
  expect(answer.headers.get("content-type")).toBe("application/problem+json");
  if (status === 401) expect(answer.headers.get("www-authenticate")).toMatch(/^Session realm="breakwater"/);
  expect((await countRows()).auth_events).toBe(before + 1);
  // Refused before anything was forwarded.
  expect(instanceCalls).toBe(calls);
  const event = await lastAuthEvent();
  expect(event).toMatchObject({ kind: "denied", status, method: "PUT", path: "/api/v1/instances/orders-1/faults" });
  return event;
}

beforeAll(async () => {
  db = await useTestDatabaseForQueries();
  instance = await startInstance();
  const port = (instance.address() as AddressInfo).port;
  const beat = await postHeartbeat(
    jsonRequest(`${BASE}/heartbeats`, makeHeartbeat({ instanceId: "orders-1", address: `http://127.0.0.1:${port}` })),
  );
  expect(beat.status).toBe(200);
  await db.pool.query(
    `INSERT INTO users (username, role, password_hash, source, created_at, updated_at) VALUES
       ('olivia', 'operator', $1, 'config', now(), now()), ('victor', 'viewer', $2, 'config', now(), now())`,
    [await hashPassword("olivia-password"), await hashPassword("victor-password")],
  );
});

afterAll(async () => {
  await new Promise((resolve) => instance?.close(resolve));
  await stopDiscoveryChanges();
  await db?.close();
});

describe("state-changing requests need an operator session (faults PUT/DELETE)", () => {
  it("no session → 401 with a session challenge, audited", async () => {
    const event = await expectRefused(
      () => putFaults(faultPut({ ...sameOriginHeaders(faultsUrl), "user-agent": "test-agent/1" }), context),
      401,
    );
    expect(event.reason).toContain("no session");
    expect(event.username).toBeNull();
    expect(event.source).toMatch(/^203\.0\.113\./);
    expect(event.user_agent).toBe("test-agent/1");
  });

  it("viewer → 403, audited with the user name", async () => {
    const { cookie } = await createTestSession({ username: "victor", role: "viewer" });
    const event = await expectRefused(() => putFaults(faultPut({ ...sameOriginHeaders(faultsUrl), cookie }), context), 403);
    expect(event).toMatchObject({ username: "victor", role: "viewer" });
    expect(event.reason).toContain("needs an operator");
  });

  it("operator → 200, forwarded to the instance; DELETE too", async () => {
    const { cookie } = await createTestSession({ username: "olivia", role: "operator" });
    const before = (await countRows()).auth_events;
    const put = await putFaults(faultPut({ ...sameOriginHeaders(faultsUrl), cookie }), context);
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ latencyMs: 150 });
    expect(faults.latencyMs).toBe(150);
    const reset = await deleteFaults(
      new Request(faultsUrl, { method: "DELETE", headers: { ...sameOriginHeaders(faultsUrl), cookie } }),
      context,
    );
    expect(reset.status).toBe(200);
    expect(faults).toEqual(NO_FAULTS);
    expect((await countRows()).auth_events).toBe(before);
  });

  it("an operator session from a cross-site page → 403 (Origin, null Origin, Sec-Fetch-Site)", async () => {
    const { cookie } = await createTestSession({ username: "olivia", role: "operator" });
    const crossOrigin = await expectRefused(() => putFaults(faultPut({ cookie, origin: "https://evil.example" }), context), 403);
    expect(crossOrigin.reason).toContain("Origin: https://evil.example");
    expect(crossOrigin.username).toBeNull();
    const nullOrigin = await expectRefused(() => putFaults(faultPut({ cookie, origin: "null" }), context), 403);
    expect(nullOrigin.reason).toContain("Origin: null");
    const crossSite = await expectRefused(() => putFaults(faultPut({ cookie, "sec-fetch-site": "cross-site" }), context), 403);
    expect(crossSite.reason).toContain("Sec-Fetch-Site: cross-site");
    // Same-site (a sibling subdomain) is not same-origin either.
    await expectRefused(() => putFaults(faultPut({ cookie, "sec-fetch-site": "same-site", origin: ORIGIN }), context), 403);
    // The same host on another port or scheme is another origin.
    await expectRefused(() => putFaults(faultPut({ cookie, origin: "http://breakwater.test:8080" }), context), 403);
    await expectRefused(() => putFaults(faultPut({ cookie, origin: "https://breakwater.test" }), context), 403);
  });

  it("accepts the origin a proxy names in X-Forwarded-Host/-Proto", async () => {
    const { cookie } = await createTestSession({ username: "olivia", role: "operator" });
    const headers = {
      cookie,
      origin: "https://dash.example.com",
      "x-forwarded-host": "dash.example.com",
      "x-forwarded-proto": "https",
    };
    expect((await putFaults(faultPut(headers), context)).status).toBe(200);
  });

  it.each([
    "middleware:middleware:middleware:middleware:middleware",
    "middleware",
    "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware",
    "pages/_middleware",
    "proxy:proxy:proxy:proxy:proxy",
  ])("x-middleware-subrequest: %s without a session → still 401", async (value) => {
    const headers = { ...sameOriginHeaders(faultsUrl), "x-middleware-subrequest": value };
    await expectRefused(() => putFaults(faultPut(headers), context), 401);
  });

  it("an expired session → 401", async () => {
    const { cookie } = await createTestSession({ username: "olivia", role: "operator", ttlMs: -1_000 });
    const event = await expectRefused(() => putFaults(faultPut({ ...sameOriginHeaders(faultsUrl), cookie }), context), 401);
    expect(event.reason).toContain("session expired or unknown");
  });

  it("the role is the user's current one: an operator turned viewer gets 403, a deleted user 401", async () => {
    const { cookie } = await createTestSession({ username: "temp-op", role: "operator" });
    await db.pool.query("UPDATE users SET role = 'viewer' WHERE username = 'temp-op'");
    expect((await expectRefused(() => putFaults(faultPut({ ...sameOriginHeaders(faultsUrl), cookie }), context), 403)).role).toBe(
      "viewer",
    );
    await db.pool.query("DELETE FROM users WHERE username = 'temp-op'");
    await expectRefused(() => putFaults(faultPut({ ...sameOriginHeaders(faultsUrl), cookie }), context), 401);
  });

  it("a forged cookie → 401", async () => {
    const cookie = "bw_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    await expectRefused(() => putFaults(faultPut({ ...sameOriginHeaders(faultsUrl), cookie }), context), 401);
  });

  it("a valid machine (ingest) token never authorizes a mutation → 401", async () => {
    useEnv({ BREAKWATER_INGEST_TOKENS: MACHINE_TOKEN });
    // The token works where machine tokens belong...
    const beat = await postHeartbeat(
      jsonRequest(`${BASE}/heartbeats`, makeHeartbeat({ instanceId: "orders-2" }), {
        headers: { authorization: `Bearer ${MACHINE_TOKEN}` },
      }),
    );
    expect(beat.status).toBe(200);
    // ...and not on a mutation.
    const headers = { ...sameOriginHeaders(faultsUrl), authorization: `Bearer ${MACHINE_TOKEN}` };
    await expectRefused(() => putFaults(faultPut(headers), context), 401);
  });
});

describe("a session never stands in for a machine token", () => {
  it("heartbeats with only an operator session cookie → 401 when tokens are configured", async () => {
    useEnv({ BREAKWATER_INGEST_TOKENS: MACHINE_TOKEN });
    const { cookie } = await createTestSession({ username: "olivia", role: "operator" });
    const before = await countRows();
    const response = await postHeartbeat(
      jsonRequest(`${BASE}/heartbeats`, makeHeartbeat({ instanceId: "orders-3" }), {
        headers: { cookie, ...sameOriginHeaders(BASE) },
      }),
    );
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await countRows()).instances).toBe(before.instances);
  });

  it("OTLP/HTTP with only a session cookie → 401 when tokens are configured", async () => {
    const { cookie } = await createTestSession({ username: "olivia", role: "operator" });
    const writer = new SpanWriter(db.pool, { batchMaxWaitMs: 5 });
    const env = parseEnv({ BREAKWATER_INGEST_TOKENS: MACHINE_TOKEN });
    const log = createLogger({ level: "error", write: () => {} });
    const server = http.createServer(createOtlpHttpHandler({ writer, env, log }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const response = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: new Uint8Array(jsonBody([makeSpan()])),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await writer.close();
    }
  });
});

describe("sign-in, session and sign-out", () => {
  function loginRequest(body: unknown, headers: Record<string, string> = {}): Request {
    return jsonRequest(`${BASE}/auth/login`, body, {
      headers: { ...sameOriginHeaders(BASE), "x-forwarded-for": "198.51.100.7", ...headers },
    });
  }

  it("signs in, reports the session, signs out (row deleted, cookie cleared)", async () => {
    const response = await login(loginRequest({ username: "olivia", password: "olivia-password" }));
    expect(response.status).toBe(200);
    const body = sessionResponseSchema.parse(await response.json());
    expect(body.user).toEqual({ username: "olivia", role: "operator" });
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^bw_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(await lastAuthEvent()).toMatchObject({ kind: "login", username: "olivia", status: 200, source: "198.51.100.7" });
    const cookie = setCookie.split(";")[0];
    const token = cookie.slice("bw_session=".length);
    // Only the hash is stored.
    const stored = await db.pool.query("SELECT 1 FROM sessions WHERE token_hash = $1", [token]);
    expect(stored.rowCount).toBe(0);

    const session = await getSession(new Request(`${BASE}/auth/session`, { headers: { cookie } }));
    expect(sessionResponseSchema.parse(await session.json())).toMatchObject({
      user: { username: "olivia", role: "operator" },
      viewAccess: "open",
    });

    const sessionsBefore = (await countRows()).sessions;
    const out = await logout(
      new Request(`${BASE}/auth/logout`, { method: "POST", headers: { cookie, ...sameOriginHeaders(BASE) } }),
    );
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/^bw_session=; Max-Age=0;.*HttpOnly; SameSite=Strict$/);
    expect((await countRows()).sessions).toBe(sessionsBefore - 1);
    expect(await lastAuthEvent()).toMatchObject({ kind: "logout", username: "olivia" });
    const after = await getSession(new Request(`${BASE}/auth/session`, { headers: { cookie } }));
    expect((await after.json()).user).toBeNull();
    // The old cookie no longer passes the guard.
    await expectRefused(() => putFaults(faultPut({ ...sameOriginHeaders(faultsUrl), cookie }), context), 401);
  });

  it("sets Secure on the cookie when the request came over https", async () => {
    const response = await login(
      loginRequest(
        { username: "olivia", password: "olivia-password" },
        { "x-forwarded-proto": "https", origin: "https://breakwater.test" },
      ),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toContain("; Secure");
  });

  it("a wrong password or unknown user → 401 with one message, audited as login_failed", async () => {
    for (const body of [
      { username: "olivia", password: "nope" },
      { username: "nobody", password: "nope" },
    ]) {
      const response = await login(loginRequest(body, { "x-forwarded-for": nextAddress() }));
      expect(response.status).toBe(401);
      expect((await response.json()).detail).toBe("wrong user name or password");
      expect(response.headers.get("set-cookie")).toBeNull();
      expect(await lastAuthEvent()).toMatchObject({ kind: "login_failed", username: body.username, status: 401 });
    }
  });

  it("after 5 failures in a minute the name+address gets 429 with Retry-After, even with the right password", async () => {
    const address = nextAddress();
    for (let i = 0; i < 5; i++) {
      expect(
        (await login(loginRequest({ username: "victor", password: `guess-${i}` }, { "x-forwarded-for": address }))).status,
      ).toBe(401);
    }
    const throttled = await login(
      loginRequest({ username: "victor", password: "victor-password" }, { "x-forwarded-for": address }),
    );
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await lastAuthEvent()).toMatchObject({ kind: "login_failed", status: 429 });
    // Another address is not affected.
    expect(
      (await login(loginRequest({ username: "victor", password: "victor-password" }, { "x-forwarded-for": nextAddress() })))
        .status,
    ).toBe(200);
  });

  it("a guesser sending a new X-Forwarded-For with every attempt is still throttled: 20 failures a minute per name", async () => {
    await db.pool.query(
      `INSERT INTO users (username, role, password_hash, source, created_at, updated_at)
       VALUES ('rita', 'operator', $1, 'config', now(), now())`,
      [await hashPassword("rita-password")],
    );
    for (let i = 0; i < 20; i++) {
      const response = await login(
        loginRequest({ username: "rita", password: `guess-${i}` }, { "x-forwarded-for": nextAddress() }),
      );
      expect(response.status).toBe(401);
    }
    const throttled = await login(
      loginRequest({ username: "rita", password: "rita-password" }, { "x-forwarded-for": nextAddress() }),
    );
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("set-cookie")).toBeNull();
    // Other names are not affected.
    expect((await login(loginRequest({ username: "olivia", password: "olivia-password" }))).status).toBe(200);
  });

  it("a burst of concurrent guesses is throttled too: attempts still being checked count", async () => {
    const sameAddress = nextAddress();
    const fromOne = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        login(loginRequest({ username: "burst-one", password: `guess-${i}` }, { "x-forwarded-for": sameAddress })),
      ),
    );
    expect(fromOne.map((response) => response.status).sort()).toEqual([...Array(5).fill(401), ...Array(5).fill(429)]);
    const fromMany = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        login(loginRequest({ username: "burst-many", password: `guess-${i}` }, { "x-forwarded-for": nextAddress() })),
      ),
    );
    expect(fromMany.filter((response) => response.status === 401)).toHaveLength(20);
    expect(fromMany.filter((response) => response.status === 429)).toHaveLength(10);
  });

  it("a cross-site sign-in → 403, audited", async () => {
    const before = (await countRows()).auth_events;
    const response = await login(
      loginRequest(
        { username: "olivia", password: "olivia-password" },
        { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      ),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect((await countRows()).auth_events).toBe(before + 1);
  });

  it("400 naming the field for a malformed body", async () => {
    const response = await login(loginRequest({ username: "olivia" }));
    expect(response.status).toBe(400);
    expect((await response.json()).param).toBe("password");
  });
});

describe("view access", () => {
  const reads = [
    ["GET /api/v1/instances", () => getInstances(new Request(`${BASE}/instances`))],
    ["GET /api/v1/overview", () => getOverview(new Request(`${BASE}/overview`))],
    ["GET /api/services", () => getServices(new Request(`${ORIGIN}/api/services`))],
    ["GET faults", () => getFaults(new Request(faultsUrl), context)],
  ] as const;

  it("open (default): reads need no session", async () => {
    for (const [, read] of reads) expect((await read()).status).toBe(200);
  });

  it("signed-in: reads without a session → 401 (not audited), with any session → 200", async () => {
    useEnv({ BREAKWATER_VIEW_ACCESS: "signed-in" });
    const before = await countRows();
    for (const [name, read] of reads) {
      const response = await read();
      expect(response.status, name).toBe(401);
      // (The Jaeger-compatible API answers in its own envelope, without the header.)
      if (!name.startsWith("GET /api/services")) expect(response.headers.get("www-authenticate")).toMatch(/^Session/);
    }
    expect(await countRows()).toEqual(before);
    const { cookie } = await createTestSession({ username: "victor", role: "viewer" });
    expect((await getInstances(new Request(`${BASE}/instances`, { headers: { cookie } }))).status).toBe(200);
    expect((await getFaults(new Request(faultsUrl, { headers: { cookie } }), context)).status).toBe(200);
    const session = await getSession(new Request(`${BASE}/auth/session`));
    expect(await session.json()).toEqual({ user: null, viewAccess: "signed-in" });
  });

  it("signed-in: a machine token does not open reads that do not allow one", async () => {
    useEnv({ BREAKWATER_VIEW_ACCESS: "signed-in", BREAKWATER_INGEST_TOKENS: MACHINE_TOKEN });
    const response = await getInstances(
      new Request(`${BASE}/instances`, { headers: { authorization: `Bearer ${MACHINE_TOKEN}` } }),
    );
    expect(response.status).toBe(401);
  });
});

describe("requireViewer with allowMachineToken (discovery, the gateway's GET /api/v1/routes)", () => {
  const read = (headers: Record<string, string> = {}) =>
    requireViewer(new Request(`${BASE}/routes`, { headers }), { allowMachineToken: true });

  it("signed-in with tokens configured: a valid token or a session passes, nothing else", async () => {
    useEnv({ BREAKWATER_VIEW_ACCESS: "signed-in", BREAKWATER_INGEST_TOKENS: MACHINE_TOKEN });
    expect(await read({ authorization: `Bearer ${MACHINE_TOKEN}` })).toMatchObject({ kind: "machine" });
    const { cookie } = await createTestSession({ username: "victor", role: "viewer" });
    expect(await read({ cookie })).toMatchObject({ kind: "user", username: "victor", role: "viewer" });
    await expect(read()).rejects.toMatchObject({ status: 401, headers: { "www-authenticate": SESSION_CHALLENGE } });
    await expect(read({ authorization: "Bearer wrong" })).rejects.toMatchObject({
      status: 401,
      headers: { "www-authenticate": expect.stringMatching(/^Bearer .*invalid_token/) },
    });
  });

  it("signed-in without tokens configured: machine endpoints stay open, as heartbeats and discovery are", async () => {
    useEnv({ BREAKWATER_VIEW_ACCESS: "signed-in" });
    expect(await read()).toMatchObject({ kind: "machine" });
    await expect(requireViewer(new Request(`${BASE}/instances`))).rejects.toMatchObject({ status: 401 });
  });
});

describe("GET requests never change state", () => {
  it("session, reads and faults GET leave sessions/users/routes/auth_events/instances as they were", async () => {
    const { cookie } = await createTestSession({ username: "olivia", role: "operator" });
    const { rows: seenBefore } = await db.pool.query(
      "SELECT token_hash, last_seen_at, expires_at FROM sessions ORDER BY token_hash",
    );
    const before = await countRows();
    for (const headers of [{}, { cookie }, { cookie: "bw_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }] as Record<
      string,
      string
    >[]) {
      expect((await getSession(new Request(`${BASE}/auth/session`, { headers }))).status).toBe(200);
      expect((await getInstances(new Request(`${BASE}/instances`, { headers }))).status).toBe(200);
      expect((await getOverview(new Request(`${BASE}/overview`, { headers }))).status).toBe(200);
      expect((await getFaults(new Request(faultsUrl, { headers }), context)).status).toBe(200);
    }
    useEnv({ BREAKWATER_VIEW_ACCESS: "signed-in" });
    expect((await getInstances(new Request(`${BASE}/instances`))).status).toBe(401);
    expect((await getInstances(new Request(`${BASE}/instances`, { headers: { cookie } }))).status).toBe(200);
    expect(await countRows()).toEqual(before);
    const { rows: seenAfter } = await db.pool.query(
      "SELECT token_hash, last_seen_at, expires_at FROM sessions ORDER BY token_hash",
    );
    expect(seenAfter).toEqual(seenBefore);
  });
});
