/**
 * The demo shop as real processes on free ports, against a small fake of Breakwater's
 * control-plane API (contract schemas) and an OTLP/HTTP capture: every process comes up and
 * heartbeats, the gateway declares its routes and serves through discovery, traces arrive
 * from every service, the fault endpoint works, a killed process is reported and restarted,
 * a deliberately stopped one stays down, and stop() leaves no process behind.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_FAULTS, RESILIENCE_ATTRIBUTES } from "../lib/control/contract";
import type { Logger } from "../lib/server/logger";
import { getTestServerUrl } from "../lib/test/db";
import { DEMO_INSTANCES, type DemoHandle, LOADGEN_INSTANCE, startDemo } from "./supervisor";
import { type FakeBreakwater, type OtlpCapture, startFakeBreakwater, startOtlpCapture } from "./test/fake-breakwater";

const TOKEN = "demo-test-token";

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes whose parent is this test process (the demo's children run detached, still ours), but not `ps` itself. */
function childPids(): number[] {
  try {
    const out = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
    return out
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter(([pid, command]) => Number(pid) > 0 && command !== "ps")
      .map(([pid]) => Number(pid));
  } catch {
    return []; // ps exits 1 when nothing matches
  }
}

describe("demo shop supervisor", () => {
  let breakwater: FakeBreakwater;
  let otlp: OtlpCapture;
  let demo: DemoHandle | undefined;
  const logLines: string[] = [];
  const schema = `demo_it_${randomBytes(4).toString("hex")}`;
  const databaseUrl = getTestServerUrl();

  const log: Logger = {
    debug: (message) => logLines.push(`DEBUG ${message}`),
    info: (message) => logLines.push(`INFO ${message}`),
    warn: (message) => logLines.push(`WARN ${message}`),
    error: (message) => logLines.push(`ERROR ${message}`),
  };
  const instance = (id: string) => {
    const found = demo?.instances.find((entry) => entry.instanceId === id);
    if (!found) throw new Error(`no instance ${id}`);
    return found;
  };

  beforeAll(async () => {
    breakwater = await startFakeBreakwater({ token: TOKEN });
    otlp = await startOtlpCapture();
    demo = await startDemo({
      breakwaterUrl: breakwater.url,
      otlpEndpoint: otlp.url,
      token: TOKEN,
      databaseUrl,
      dbSchema: schema,
      ports: { gateway: 0, catalog: 0, ordersV1: 0, ordersV2: 0, inventory: 0, payments1: 0, payments2: 0 },
      loadRate: 4,
      logLevel: "warn",
      log,
      output: () => undefined,
      restart: { initialDelayMs: 200 },
      startTimeoutMs: 90_000,
    });
  }, 120_000);

  afterAll(async () => {
    await demo?.stop();
    await breakwater?.close();
    await otlp?.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }, 60_000);

  it("starts every process, each answering /healthz on its own port", async () => {
    const instances = demo!.instances;
    expect(instances.map((entry) => entry.instanceId).sort()).toEqual(
      [...DEMO_INSTANCES.map((spec) => spec.instanceId), LOADGEN_INSTANCE.instanceId].sort(),
    );
    for (const entry of instances) {
      expect(entry.state).toBe("running");
      expect(entry.pid).toBeGreaterThan(0);
      if (entry.instanceId === LOADGEN_INSTANCE.instanceId) continue;
      const response = await fetch(`${entry.address}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        instanceId: entry.instanceId,
        service: entry.service,
        version: entry.version,
      });
    }
  });

  it("heartbeats arrive from every instance with its identity and address", async () => {
    for (const spec of DEMO_INSTANCES) {
      const beat = await until(`a heartbeat from ${spec.instanceId}`, () => breakwater.latest().get(spec.instanceId));
      expect(beat).toMatchObject({
        service: spec.service,
        version: spec.version,
        address: instance(spec.instanceId).address,
        ttlMs: 3_000,
      });
    }
    // Inventory and orders check their database.
    const inventory = await until("inventory healthy with its database", () => {
      const beat = breakwater.latest().get("inventory-1");
      return beat?.status === "healthy" ? beat : undefined;
    });
    expect(inventory.checks).toContainEqual({ name: "db", status: "pass" });
  });

  it("the gateway declares its routes, applies discovery and serves the shop through it", async () => {
    expect(breakwater.declarations).toContainEqual(
      expect.objectContaining({
        id: "orders",
        service: "orders",
        backends: [
          { version: "v1", weight: 90 },
          { version: "v2", weight: 10 },
        ],
      }),
    );
    expect(breakwater.declarations).toContainEqual(expect.objectContaining({ id: "catalog", instanceId: "gateway-1" }));
    const gateway = demo!.gatewayUrl;

    await until("the catalog through the gateway", async () => (await fetch(`${gateway}/api/catalog/products`)).status === 200);
    const placed = await until("an order through the gateway", async () => {
      const response = await fetch(`${gateway}/api/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ items: [{ sku: "bw-rope", quantity: 1 }] }),
      });
      // A 402 is a declined card (3 % of charges): try again.
      return response.status === 201 ? ((await response.json()) as { order: { id: string; totalCents: number } }) : undefined;
    });
    expect(placed.order.totalCents).toBe(2_450);
    const read = await until("the order read back", async () => {
      const response = await fetch(`${gateway}/api/orders/${placed.order.id}`);
      return response.status === 200 ? ((await response.json()) as { order: { id: string } }) : undefined;
    });
    expect(read.order.id).toBe(placed.order.id);

    const config = (await (await fetch(`${gateway}/admin/config`)).json()) as {
      applied: { version: string | null };
      routes: { id: string; version: number }[];
    };
    expect(config.applied.version).not.toBeNull();
    expect(config.routes.map((route) => route.id).sort()).toEqual(["catalog", "orders"]);

    const gatewayBeat = await until("a gateway beat with applied config and lb counts", () =>
      breakwater.beats.find(
        ({ beat }) => beat.instanceId === "gateway-1" && beat.appliedConfig?.version && beat.lbCounts.length > 0,
      ),
    );
    expect(gatewayBeat.beat.lbCounts[0]).toMatchObject({ route: expect.stringMatching(/^(catalog|orders)$/) });
  });

  it("traces arrive from every service, with resilience attributes and database spans", async () => {
    const services = ["loadgen", "gateway", "catalog", "orders", "inventory", "payments"];
    await until("spans from every service", () =>
      services.every((service) => otlp.spans.some((span) => span.service === service)),
    );
    const gatewayClient = await until("a gateway CLIENT span with resilience attributes", () =>
      otlp.spans.find((span) => span.service === "gateway" && span.kind === 3 && span.attributes[RESILIENCE_ATTRIBUTES.route]),
    );
    expect(gatewayClient.attributes[RESILIENCE_ATTRIBUTES.backendInstance]).toEqual(expect.any(String));
    expect(gatewayClient.attributes[RESILIENCE_ATTRIBUTES.backendVersion]).toEqual(expect.any(String));
    await until("a PostgreSQL span from inventory", () =>
      otlp.spans.find(
        (span) => span.service === "inventory" && span.kind === 3 && span.attributes["db.system.name"] === "postgresql",
      ),
    );
    await until("the uninstrumented peers as CLIENT spans", () =>
      ["catalog-cache", "card-network"].every((peer) => otlp.spans.some((span) => span.attributes["peer.service"] === peer)),
    );
    // Every span names its instance; no plumbing (health checks, admin) made a trace.
    expect(otlp.spans.every((span) => span.instanceId !== undefined)).toBe(true);
    expect(otlp.spans.some((span) => /\/(healthz|admin\/)/.test(JSON.stringify(span.attributes)))).toBe(false);
    // Instrumented traffic is linked: some catalog SERVER span has a gateway CLIENT span as parent.
    const gatewayClientIds = new Set(
      otlp.spans.filter((span) => span.service === "gateway" && span.kind === 3).map((span) => span.spanId),
    );
    expect(
      otlp.spans.some((span) => span.service === "catalog" && span.kind === 2 && gatewayClientIds.has(span.parentSpanId)),
    ).toBe(true);
  });

  it("the admin fault endpoint sets, shows and clears faults on business routes only", async () => {
    const catalog = instance("catalog-1").address!;
    const put = await fetch(`${catalog}/admin/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ errorRate: 1, errorStatus: 502 }),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ latencyMs: 0, errorRate: 1, errorStatus: 502, hang: false });
    expect(await (await fetch(`${catalog}/admin/faults`)).json()).toMatchObject({ errorRate: 1, errorStatus: 502 });

    const broken = await fetch(`${catalog}/products`);
    expect(broken.status).toBe(502);
    await broken.body?.cancel();
    expect((await fetch(`${catalog}/healthz`)).status).toBe(200);
    const degraded = await until("a degraded beat naming the fault", () => {
      const beat = breakwater.latest().get("catalog-1");
      return beat?.status === "degraded" ? beat : undefined;
    });
    expect(degraded.checks).toContainEqual({ name: "fault-injection", status: "warn", detail: "100 % errors (502)" });

    const invalid = await fetch(`${catalog}/admin/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ errorRate: 2 }),
    });
    expect(invalid.status).toBe(400);
    expect(await (await fetch(`${catalog}/admin/faults`)).json()).toMatchObject({ errorRate: 1 });

    const cleared = await fetch(`${catalog}/admin/faults`, { method: "DELETE" });
    expect(await cleared.json()).toEqual(NO_FAULTS);
    expect((await fetch(`${catalog}/products`)).status).toBe(200);
  });

  it("a killed process is reported with its exit signal and restarted", async () => {
    const before = instance("payments-1");
    process.kill(before.pid!, "SIGKILL");
    const report = await until("the crash report", () =>
      logLines.find((line) => line.includes("payments-1") && line.includes("crashed")),
    );
    expect(report).toMatch(/^ERROR .*payments-1.*crashed \(killed by SIGKILL\)/);
    const after = await until("payments-1 running again with a new pid", () => {
      const current = instance("payments-1");
      return current.state === "running" && current.pid !== before.pid ? current : undefined;
    });
    expect(after.restarts).toBe(1);
    const restartedAt = Date.now();
    await until("a heartbeat from the restarted payments-1", () =>
      breakwater.beats.find(({ at, beat }) => beat.instanceId === "payments-1" && at > restartedAt),
    );
    expect((await fetch(`${after.address}/healthz`)).status).toBe(200);
  });

  it("a deliberately stopped instance stays down until started again", async () => {
    const before = instance("orders-v2-1");
    await demo!.stopInstance("orders-v2-1");
    expect(isAlive(before.pid!)).toBe(false);
    expect(instance("orders-v2-1")).toMatchObject({ state: "stopped", pid: undefined });
    // It said goodbye: its last beat is unhealthy, so discovery dropped it at once.
    expect(breakwater.latest().get("orders-v2-1")?.status).toBe("unhealthy");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(instance("orders-v2-1").state).toBe("stopped");
    expect(logLines.some((line) => line.includes("orders-v2-1") && line.includes("crashed"))).toBe(false);

    await demo!.startInstance("orders-v2-1");
    expect(instance("orders-v2-1").state).toBe("running");
    expect((await fetch(`${instance("orders-v2-1").address}/healthz`)).status).toBe(200);
  });

  it("the gateway keeps serving with its last good config while Breakwater is down", async () => {
    const gateway = demo!.gatewayUrl;
    const port = Number(new URL(breakwater.url).port);
    await breakwater.close();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const response = await fetch(`${gateway}/api/catalog/products`);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-breakwater-fallback")).toBeNull();
    const config = (await (await fetch(`${gateway}/admin/config`)).json()) as {
      applied: { version: string | null; configAgeMs: number };
      instances: unknown[];
    };
    expect(config.applied.version).not.toBeNull();
    expect(config.applied.configAgeMs).toBeGreaterThanOrEqual(2_000);
    expect(config.instances.length).toBeGreaterThan(0);

    // Breakwater comes back (empty, on the same port): every instance registers again by itself.
    breakwater = await startFakeBreakwater({ token: TOKEN, port });
    for (const spec of DEMO_INSTANCES) {
      await until(`${spec.instanceId} beating again`, () => breakwater.latest().get(spec.instanceId));
    }
  });

  it("stop() ends every process", async () => {
    const pids = demo!.instances.map((entry) => entry.pid!).filter((pid) => pid !== undefined);
    expect(pids.length).toBe(DEMO_INSTANCES.length + 1);
    await demo!.stop();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(childPids().filter((pid) => pids.includes(pid))).toEqual([]);
    expect(demo!.instances.every((entry) => entry.state === "stopped" && entry.pid === undefined)).toBe(true);
    // Idempotent.
    await demo!.stop();
  });
});

describe("demo shop supervisor, a process that cannot start", () => {
  it("restarts it with backoff, gives up after a run of quick crashes, says so, and leaves no process", async () => {
    const breakwater = await startFakeBreakwater();
    const lines: string[] = [];
    const log: Logger = {
      debug: () => undefined,
      info: (message) => lines.push(`INFO ${message}`),
      warn: (message) => lines.push(`WARN ${message}`),
      error: (message) => lines.push(`ERROR ${message}`),
    };
    try {
      // Not a SQL identifier: every process refuses its environment and exits with code 2.
      const started = startDemo({
        breakwaterUrl: breakwater.url,
        otlpEndpoint: "http://127.0.0.1:9",
        databaseUrl: getTestServerUrl(),
        dbSchema: "Not A Schema",
        ports: { gateway: 0, catalog: 0, ordersV1: 0, ordersV2: 0, inventory: 0, payments1: 0, payments2: 0 },
        loadRate: 0,
        log,
        output: (line, name, stream) => {
          if (stream === "stderr") lines.push(`[${name}] ${line}`);
        },
        // Every crash counts as quick, however slow a busy machine makes start-up.
        restart: { initialDelayMs: 50, maxDelayMs: 200, maxQuickCrashes: 3, quickCrashMs: 120_000 },
        startTimeoutMs: 60_000,
      });
      await expect(started).rejects.toThrow(
        /did not start: it crashed 3 times in a row; last stderr lines:[\s\S]*DEMO_DB_SCHEMA/,
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^ERROR demo: \S+ \(\w+ v\d\) crashed \(exit code 2\) after \d+ ms; last stderr lines:/),
      );
      expect(lines).toContainEqual(expect.stringMatching(/^WARN demo: restarting \S+ in \d+ ms \(restart 1\)/));
      expect(lines).toContainEqual(
        expect.stringMatching(/^ERROR demo: \S+ crashed 3 times in a row within \d+ ms of starting; giving up/),
      );
      // Nothing of this demo is left running, the healthy services included.
      expect(childPids()).toEqual([]);
    } finally {
      await breakwater.close();
    }
  }, 90_000);
});
