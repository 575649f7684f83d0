import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionName } from "@/lib/db/partitions";
import { closeDb } from "@/lib/db/pool";
import { parseEnv, resetEnvForTests } from "@/lib/env";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { makeSpan, protobufBody } from "@/lib/test/otlp-requests";
import { silentLogger } from "./logger";
import { PortInUseError, type ServerHandle, startServer, type StartServerOptions } from "./main";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

const countSpans = async (traceId: string) =>
  (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM spans WHERE trace_id = $1::uuid", [traceId])).rows[0].n;

function baseOptions(overrides: Partial<StartServerOptions> = {}): StartServerOptions {
  return {
    env: parseEnv({ DATABASE_URL: db.url }),
    ports: { web: 0, otlpHttp: 0, otlpGrpc: 0 },
    pool: db.pool,
    next: false,
    banner: false,
    log: silentLogger,
    ...overrides,
  };
}

async function postSpans(baseUrl: string, body: Buffer): Promise<number> {
  const response = await fetch(`${baseUrl}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/x-protobuf" },
    body: new Uint8Array(body),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Resolves true when something accepts TCP connections on the port. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function occupyPort(): Promise<{ port: number; release(): Promise<void> }> {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  return {
    port: (blocker.address() as net.AddressInfo).port,
    release: () => new Promise((resolve) => blocker.close(() => resolve())),
  };
}

async function freePort(): Promise<number> {
  const { port, release } = await occupyPort();
  await release();
  return port;
}

describe("startServer, role all (without Next.js)", () => {
  let handle: ServerHandle;

  beforeAll(async () => {
    handle = await startServer(baseOptions({ role: "all" }));
  });

  afterAll(async () => {
    await handle?.close();
  });

  it("reports the bound ports and URLs", () => {
    expect(handle.role).toBe("all");
    expect(handle.ports.web).toBeGreaterThan(0);
    expect(handle.ports.otlpHttp).toBeGreaterThan(0);
    expect(handle.ports.otlpGrpc).toBeGreaterThan(0);
    expect(handle.urls).toEqual({
      web: `http://127.0.0.1:${handle.ports.web}`,
      otlpHttp: `http://127.0.0.1:${handle.ports.otlpHttp}`,
      otlpGrpc: `http://127.0.0.1:${handle.ports.otlpGrpc}`,
    });
  });

  it("takes OTLP/HTTP on the OTLP port and on the web port's /v1/traces", async () => {
    const viaOtlpPort = makeSpan();
    const viaWebPort = makeSpan();
    expect(await postSpans(handle.urls.otlpHttp ?? "", protobufBody([viaOtlpPort]))).toBe(200);
    expect(await postSpans(handle.urls.web ?? "", protobufBody([viaWebPort]))).toBe(200);
    expect(await countSpans(viaOtlpPort.traceId)).toBe(1);
    expect(await countSpans(viaWebPort.traceId)).toBe(1);
  });

  it("sends everything else on the web port to the page handler (404 without Next.js)", async () => {
    const response = await fetch(`${handle.urls.web}/api/traces/abc`);
    expect(response.status).toBe(404);
    // OTLP's own 404 is a google.rpc.Status, not the page handler's text.
    const otlp404 = await fetch(`${handle.urls.web}/v1/logs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(otlp404.status).toBe(404);
    expect(otlp404.headers.get("content-type")).toBe("application/json");
  });

  it("answers OTLP and its own 404 with the security headers, never as a document", async () => {
    const responses = [
      await fetch(`${handle.urls.otlpHttp}/v1/traces`, { method: "GET" }),
      await fetch(`${handle.urls.web}/v1/traces`, { method: "GET" }),
      await fetch(`${handle.urls.web}/somewhere`),
    ];
    expect(responses.map((response) => response.status)).toEqual([405, 405, 404]);
    for (const response of responses) {
      await response.arrayBuffer();
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    }
    // The handler's own headers still come through.
    expect(responses[0]?.headers.get("allow")).toBe("POST");
  });

  it("ran partition maintenance at start: this hour's span partition exists", async () => {
    const expected = partitionName("spans", "hour", Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const { rows } = await db.pool.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'spans'::regclass",
    );
    expect(rows.map((row) => row.name)).toContain(expected);
  });
});

describe("startServer roles", () => {
  it("ingest: OTLP/HTTP and OTLP/gRPC only, no web port", async () => {
    const handle = await startServer(baseOptions({ role: "ingest" }));
    try {
      expect(handle.ports.web).toBeUndefined();
      expect(handle.urls.web).toBeUndefined();
      const span = makeSpan();
      expect(await postSpans(handle.urls.otlpHttp ?? "", protobufBody([span]))).toBe(200);
      expect(await countSpans(span.traceId)).toBe(1);
    } finally {
      await handle.close();
    }
  });

  it("ui: the web port only, and /v1/traces is not an ingest endpoint there", async () => {
    const handle = await startServer(baseOptions({ role: "ui" }));
    try {
      expect(handle.ports.otlpHttp).toBeUndefined();
      expect(handle.ports.otlpGrpc).toBeUndefined();
      expect(handle.writer).toBeUndefined();
      const span = makeSpan();
      expect(await postSpans(handle.urls.web ?? "", protobufBody([span]))).toBe(404);
      expect(await countSpans(span.traceId)).toBe(0);
    } finally {
      await handle.close();
    }
  });
});

describe("startServer shutdown", () => {
  it("finishes in-flight requests, drains the writer, then stops listening", async () => {
    const handle = await startServer(baseOptions({ role: "ingest" }));
    const otlpPort = handle.ports.otlpHttp ?? 0;
    const grpcPort = handle.ports.otlpGrpc ?? 0;
    const spans = Array.from({ length: 200 }, () => makeSpan());
    const inFlight = postSpans(handle.urls.otlpHttp ?? "", protobufBody(spans));
    // Let the request reach the server, then close while it is being written.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await handle.close();
    expect(await inFlight).toBe(200);
    expect(await countSpans(spans[0].traceId)).toBe(1);
    expect(await isListening(otlpPort)).toBe(false);
    expect(await isListening(grpcPort)).toBe(false);
    // close() is idempotent.
    await handle.close();
  });
});

describe("startServer with a port taken", () => {
  it.each([
    ["otlpHttp", "BREAKWATER_OTLP_HTTP_PORT", "OTLP/HTTP"],
    ["otlpGrpc", "BREAKWATER_OTLP_GRPC_PORT", "OTLP/gRPC"],
    ["web", "PORT", "Web"],
  ] as const)("%s: fails with a message naming the port and %s, leaving nothing listening", async (which, envVar, label) => {
    const blocker = await occupyPort();
    // Fixed free ports for the others, to check they are released after the failure.
    const ports = { web: await freePort(), otlpHttp: await freePort(), otlpGrpc: await freePort(), [which]: blocker.port };
    try {
      const error = await startServer(baseOptions({ role: "all", ports })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PortInUseError);
      const message = (error as PortInUseError).message;
      expect(message).toBe(
        `${label} port ${blocker.port} is already in use; stop the other process or set ${envVar} to a free port`,
      );
      for (const [name, port] of Object.entries(ports)) {
        if (name !== which) expect(await isListening(port)).toBe(false);
      }
    } finally {
      await blocker.release();
    }
  });
});

describe("lib/server/main.ts as a process", () => {
  const children: ChildProcess[] = [];

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  });

  function runMain(extraEnv: Record<string, string>): {
    child: ChildProcess;
    output: () => string;
    exited: Promise<number | null>;
  } {
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: "production",
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: db.url,
      BREAKWATER_ROLE: "ingest",
      BREAKWATER_OTLP_HTTP_PORT: "0",
      BREAKWATER_OTLP_GRPC_PORT: "0",
      BREAKWATER_MAINTENANCE_INTERVAL_S: "3600",
      ...extraEnv,
    };
    const child = spawn(process.execPath, [path.join(repoRoot, "node_modules/.bin/tsx"), "lib/server/main.ts"], {
      cwd: repoRoot,
      env,
    });
    children.push(child);
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { child, output: () => output, exited };
  }

  async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error("timed out");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("prints the URLs and the exporter endpoint, ingests, and exits 0 on SIGTERM", async () => {
    const run = runMain({});
    await waitFor(() => run.output().includes("OTEL_EXPORTER_OTLP_PROTOCOL=grpc"), 30_000);
    const text = run.output();
    expect(text).toContain("Breakwater is running (role: ingest)");
    const endpoint = /OTEL_EXPORTER_OTLP_ENDPOINT=(http:\/\/127\.0\.0\.1:\d+) /.exec(text)?.[1];
    expect(endpoint).toBeDefined();
    expect(text).toMatch(/OTLP\/gRPC: {2}127\.0\.0\.1:\d+/);
    const span = makeSpan();
    expect(await postSpans(endpoint ?? "", protobufBody([span]))).toBe(200);
    expect(await countSpans(span.traceId)).toBe(1);

    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain("SIGTERM received, shutting down");
  });

  it("exits 1 with one clear line when a port is taken", async () => {
    const blocker = await occupyPort();
    try {
      const run = runMain({ BREAKWATER_OTLP_HTTP_PORT: String(blocker.port) });
      expect(await run.exited).toBe(1);
      const errorLines = run
        .output()
        .split("\n")
        .filter((line) => line.startsWith("breakwater:"));
      expect(errorLines).toEqual([
        `breakwater: OTLP/HTTP port ${blocker.port} is already in use; stop the other process or set BREAKWATER_OTLP_HTTP_PORT to a free port`,
      ]);
    } finally {
      await blocker.release();
    }
  });

  it("exits 2 on invalid configuration", async () => {
    const run = runMain({ BREAKWATER_ROLE: "everything" });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("BREAKWATER_ROLE");
  });
});

/**
 * The pid of a live `next dev` holding this checkout's dev lock, if any. Next.js exits the
 * whole process when it cannot take that lock, so the Next.js test steps aside instead.
 */
function nextDevLockHolder(): number | undefined {
  try {
    const { pid } = JSON.parse(readFileSync(path.join(repoRoot, ".next/dev/lock"), "utf8")) as { pid: number };
    if (pid === process.pid) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

const lockHolder = nextDevLockHolder();

describe.skipIf(lockHolder !== undefined)(
  `startServer with Next.js (dev)${lockHolder ? ` — skipped: next dev pid ${lockHolder} holds the lock` : ""}`,
  () => {
    let handle: ServerHandle;
    let previousDatabaseUrl: string | undefined;

    beforeAll(async () => {
      // Route handlers build their pool from DATABASE_URL (getEnv → getPool): this file's schema.
      previousDatabaseUrl = process.env.DATABASE_URL;
      process.env.DATABASE_URL = db.url;
      resetEnvForTests();
      handle = await startServer(baseOptions({ role: "all", next: true, dev: true, maintenance: false }));
    }, 120_000);

    afterAll(async () => {
      await handle?.close();
      await closeDb();
      process.env.DATABASE_URL = previousDatabaseUrl;
      resetEnvForTests();
    });

    it("answers /v1/traces before Next.js and serves the Jaeger API route through Next.js", { timeout: 120_000 }, async () => {
      const span = makeSpan({ name: "GET /via-next" });
      expect(await postSpans(handle.urls.web ?? "", protobufBody([span]))).toBe(200);

      const response = await fetch(`${handle.urls.web}/api/traces/${span.traceId}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: { traceID: string; spans: { spanID: string; operationName: string }[] }[] };
      expect(body.data).toHaveLength(1);
      expect(body.data[0].traceID).toBe(span.traceId);
      expect(body.data[0].spans.map((s) => [s.spanID, s.operationName])).toEqual([[span.spanId, "GET /via-next"]]);

      const invalid = await fetch(`${handle.urls.web}/api/traces/not-a-trace-id`);
      expect(invalid.status).toBe(400);
    });
  },
);
