import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { DiscoveryResponse, RouteDeclaration } from "../../../lib/control/contract";
import {
  DeclareRouteError,
  declareRoutes,
  type DiscoveryWatch,
  rejectDiscoveryConfig,
  startDiscoveryWatch,
} from "./discovery-client";
import type { ResilienceLogger } from "./logger";

/** Polls until `check` returns true (a functional deadline, not a speed assertion). */
async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const config = (version: string, weights: Record<string, number> = { v1: 90, v2: 10 }): DiscoveryResponse => ({
  version,
  routes: [
    {
      id: "orders",
      service: "orders",
      version: Number(version.replace(/\D/g, "") || 0),
      backends: Object.entries(weights).map(([v, weight]) => ({ version: v, weight })),
    },
  ],
  instances: [{ instanceId: "orders-1", service: "orders", version: "v1", address: "http://127.0.0.1:1", status: "healthy" }],
});

type Seen = { url: URL; authorization?: string; method?: string; body: string };

/**
 * Plays Breakwater: GET /api/v1/discovery with long-poll (304 after waitMs when `since` is
 * current) and POST /api/v1/routes. `mode` switches to garbage answers; stop()/start() is a
 * real outage (connection refused) on the same port.
 */
async function startFakeBreakwater() {
  let current = config("c1");
  let mode: "normal" | "not-json" | "wrong-shape" | "500" = "normal";
  const waiters = new Set<() => void>();
  const seen: Seen[] = [];
  let routeAnswers: number[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      seen.push({ url, authorization: req.headers.authorization, method: req.method, body });
      if (url.pathname === "/api/v1/routes") {
        const status = routeAnswers.shift() ?? 201;
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ status }));
        return;
      }
      const since = url.searchParams.get("since");
      const waitMs = Number(url.searchParams.get("waitMs") ?? 0);
      const answer = () => {
        if (mode === "not-json") res.writeHead(200).end("<html>proxy error</html>");
        else if (mode === "wrong-shape") res.writeHead(200).end(JSON.stringify({ version: 7, routes: "none" }));
        else if (mode === "500") res.writeHead(500).end("boom");
        else if (since !== null && since === current.version) res.writeHead(304).end();
        else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(current));
      };
      if (mode !== "normal" || since === null || since !== current.version) return answer();
      const timer = setTimeout(() => {
        waiters.delete(wake);
        answer();
      }, waitMs);
      const wake = () => {
        clearTimeout(timer);
        answer();
      };
      waiters.add(wake);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const fake = {
    url: `http://127.0.0.1:${port}`,
    seen,
    /** Sets the config (or just wakes the held long-polls when called without one). */
    publish(next: DiscoveryResponse = current) {
      current = next;
      for (const wake of [...waiters]) wake();
      waiters.clear();
    },
    setMode(next: typeof mode) {
      mode = next;
    },
    answerRoutesWith(statuses: number[]) {
      routeAnswers = statuses;
    },
    async stop() {
      for (const wake of [...waiters]) wake();
      waiters.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    start: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
  };
  fakes.push(fake);
  return fake;
}

const fakes: { stop(): Promise<void> }[] = [];
const watches: DiscoveryWatch[] = [];

const recordingLog = () => {
  const lines: string[] = [];
  const log: ResilienceLogger = {
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
  return { lines, log };
};

afterEach(async () => {
  await Promise.all(watches.splice(0).map((watch) => watch.stop()));
  await Promise.all(fakes.splice(0).map((fake) => fake.stop().catch(() => {})));
});

describe("startDiscoveryWatch", () => {
  it("applies the first config, then long-polls with since/waitMs and applies each change once", async () => {
    const fake = await startFakeBreakwater();
    const applied: string[] = [];
    const watch = startDiscoveryWatch({
      breakwaterUrl: fake.url,
      services: ["orders", "payments"],
      token: "s3cret",
      waitMs: 150,
      onConfig: (next) => applied.push(next.version),
    });
    watches.push(watch);
    expect((await watch.ready()).version).toBe("c1");
    expect(watch.appliedConfig()).toMatchObject({ version: "c1", routes: [{ id: "orders", version: 1 }] });
    expect(watch.appliedConfig().appliedAt).toMatch(/Z$/);

    const first = fake.seen[0];
    expect(first.url.pathname).toBe("/api/v1/discovery");
    expect(first.url.searchParams.getAll("service")).toEqual(["orders", "payments"]);
    expect(first.url.searchParams.has("since")).toBe(false);
    expect(first.authorization).toBe("Bearer s3cret");

    // Idle: the long-poll answers 304 every 150 ms and nothing is re-applied.
    await waitFor(() => fake.seen.length >= 3, "two long-polls");
    expect(fake.seen[1].url.searchParams.get("since")).toBe("c1");
    expect(fake.seen[1].url.searchParams.get("waitMs")).toBe("150");
    expect(applied).toEqual(["c1"]);

    fake.publish(config("c2", { v1: 50, v2: 50 }));
    await waitFor(() => applied.length === 2, "config c2");
    expect(applied).toEqual(["c1", "c2"]);
    expect(watch.current()?.routes[0].backends).toEqual([
      { version: "v1", weight: 50 },
      { version: "v2", weight: 50 },
    ]);
    expect(watch.appliedConfig()).toMatchObject({ version: "c2", routes: [{ id: "orders", version: 2 }] });
    expect(watch.appliedConfig().configAgeMs).toBeLessThan(1_000);
  });

  it("reports a config age of 0 while Breakwater holds the long-poll open, however long it holds it", async () => {
    const fake = await startFakeBreakwater();
    const watch = startDiscoveryWatch({ breakwaterUrl: fake.url, services: ["orders"], waitMs: 2_000, onConfig: () => {} });
    watches.push(watch);
    await watch.ready();
    await waitFor(() => fake.seen.length >= 2, "the long-poll to be open");
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(watch.appliedConfig().configAgeMs).toBe(0);
  });

  it("keeps the last good config through an outage, its age growing, and catches up when Breakwater returns", async () => {
    const fake = await startFakeBreakwater();
    const { lines, log } = recordingLog();
    const applied: string[] = [];
    const watch = startDiscoveryWatch({
      breakwaterUrl: fake.url,
      services: ["orders"],
      waitMs: 100,
      maxBackoffMs: 100,
      log,
      onConfig: (next) => applied.push(next.version),
    });
    watches.push(watch);
    await watch.ready();
    await fake.stop();
    await waitFor(() => watch.appliedConfig().configAgeMs >= 600, "config age to grow");
    expect(watch.appliedConfig().version).toBe("c1");
    expect(watch.current()?.version).toBe("c1");
    // One warning for the whole outage, not one per retry.
    expect(lines.filter((line) => line.startsWith("warn"))).toHaveLength(1);
    expect(lines.find((line) => line.startsWith("warn"))).toContain("keeping config c1");

    fake.publish(config("c3"));
    await fake.start();
    await waitFor(() => applied.includes("c3"), "config c3 after the outage");
    expect(watch.appliedConfig().configAgeMs).toBeLessThan(600);
    expect(lines.some((line) => line.includes("reachable again"))).toBe(true);
  });

  it("keeps the last good config when Breakwater answers garbage or errors", async () => {
    const fake = await startFakeBreakwater();
    const { lines, log } = recordingLog();
    const applied: string[] = [];
    const watch = startDiscoveryWatch({
      breakwaterUrl: fake.url,
      services: ["orders"],
      waitMs: 50,
      maxBackoffMs: 50,
      log,
      onConfig: (next) => applied.push(next.version),
    });
    watches.push(watch);
    await watch.ready();
    for (const mode of ["not-json", "wrong-shape", "500"] as const) {
      fake.setMode(mode);
      fake.publish(); // ends the held long-poll: its answer is garbage now
      const before = fake.seen.length;
      await waitFor(() => fake.seen.length >= before + 3, `three ${mode} answers`);
      expect(watch.appliedConfig().version).toBe(applied.at(-1));
      expect(watch.current()?.version).toBe(applied.at(-1));
      fake.setMode("normal");
      fake.publish(config(`after-${mode}`));
      await waitFor(() => applied.includes(`after-${mode}`), `the config after ${mode}`);
    }
    expect(applied).toEqual(["c1", "after-not-json", "after-wrong-shape", "after-500"]);
    expect(lines.filter((line) => line.startsWith("warn"))).toEqual([
      expect.stringContaining("not JSON"),
      expect.stringContaining("does not match the contract"),
      expect.stringContaining("HTTP 500"),
    ]);
  });

  it("rejects a config whose route weights are all zero, keeps the last good one, and takes the next good one", async () => {
    const fake = await startFakeBreakwater();
    const { lines, log } = recordingLog();
    const applied: string[] = [];
    const watch = startDiscoveryWatch({
      breakwaterUrl: fake.url,
      services: ["orders"],
      waitMs: 100,
      log,
      onConfig: (next) => applied.push(next.version),
    });
    watches.push(watch);
    await watch.ready();
    fake.publish(config("c5", { v1: 0, v2: 0 }));
    await waitFor(() => lines.some((line) => line.includes("rejected config c5")), "the rejection");
    expect(lines.find((line) => line.includes("rejected"))).toBe(
      "warn discovery: rejected config c5, keeping c1: route orders (version 5) has no backend with a weight above 0",
    );
    // The watch waits for the next change after c5 instead of re-fetching it in a loop.
    await waitFor(() => fake.seen.some((seen) => seen.url.searchParams.get("since") === "c5"), "a long-poll since c5");
    expect(watch.appliedConfig().version).toBe("c1");
    fake.publish(config("c6", { v1: 0, v2: 100 }));
    await waitFor(() => applied.includes("c6"), "config c6");
    expect(applied).toEqual(["c1", "c6"]);
  });

  it("keeps the instances in use of a service that a new config leaves empty, says so once, and lets go when one is offered", async () => {
    const fake = await startFakeBreakwater();
    const { lines, log } = recordingLog();
    const applied: DiscoveryResponse[] = [];
    const watch = startDiscoveryWatch({
      breakwaterUrl: fake.url,
      services: ["orders"],
      waitMs: 100,
      log,
      onConfig: (next) => applied.push(next),
    });
    watches.push(watch);
    await watch.ready();
    const inUse = config("c1").instances;
    // Breakwater expired everybody (e.g. while shutting down): the weights still apply, the instances stay.
    fake.publish({ ...config("c2", { v1: 0, v2: 100 }), instances: [] });
    await waitFor(() => applied.some((next) => next.version === "c2"), "config c2");
    expect(applied.at(-1)).toMatchObject({ version: "c2", instances: inUse });
    expect(applied.at(-1)?.routes[0].backends).toEqual([
      { version: "v1", weight: 0 },
      { version: "v2", weight: 100 },
    ]);
    expect(watch.current()?.instances).toEqual(inUse);
    fake.publish({ ...config("c3", { v1: 50, v2: 50 }), instances: [] });
    await waitFor(() => applied.some((next) => next.version === "c3"), "config c3");
    expect(lines.filter((line) => line.startsWith("warn"))).toEqual([
      "warn discovery: config c2 offers no instance of orders; keeping the ones in use until it does",
    ]);

    const fresh = {
      instanceId: "orders-9",
      service: "orders",
      version: "v2",
      address: "http://127.0.0.1:2",
      status: "healthy" as const,
    };
    fake.publish({ ...config("c4"), instances: [fresh] });
    await waitFor(() => applied.some((next) => next.version === "c4"), "config c4");
    expect(applied.at(-1)?.instances).toEqual([fresh]);
    expect(lines.at(-1)).toBe("info discovery: orders offered again");
  });

  it("retries a config whose onConfig threw instead of skipping it", async () => {
    const fake = await startFakeBreakwater();
    let calls = 0;
    const watch = startDiscoveryWatch({
      breakwaterUrl: fake.url,
      services: ["orders"],
      waitMs: 100,
      maxBackoffMs: 50,
      onConfig: () => {
        if (++calls === 1) throw new Error("not yet");
      },
    });
    watches.push(watch);
    expect((await watch.ready()).version).toBe("c1");
    expect(calls).toBe(2);
  });

  it("ready() rejects when the watch stops before any config", async () => {
    const watch = startDiscoveryWatch({ breakwaterUrl: "http://127.0.0.1:1", services: ["orders"], onConfig: () => {} });
    await watch.stop();
    await expect(watch.ready()).rejects.toThrow(/stopped/);
    expect(watch.appliedConfig()).toMatchObject({ version: null, appliedAt: null, routes: [] });
  });
});

describe("rejectDiscoveryConfig", () => {
  it("accepts any positive weight and rejects an all-zero or empty route", () => {
    expect(rejectDiscoveryConfig(config("a", { v1: 0, v2: 1 }))).toBeUndefined();
    expect(rejectDiscoveryConfig(config("a", {}))).toContain("no backend");
    expect(rejectDiscoveryConfig({ ...config("a"), routes: [] })).toBeUndefined();
  });

  it("rejects a backend with traffic whose instance weights are all zero, accepts a drained one", () => {
    const withInstances = (weight: number, instanceWeights: number[]): DiscoveryResponse => {
      const base = config("a", { v1: weight, v2: 100 - weight });
      const [v1, v2] = base.routes[0].backends;
      const instances = instanceWeights.map((w, index) => ({ instanceId: `orders-${index}`, weight: w }));
      return { ...base, routes: [{ ...base.routes[0], backends: [{ ...v1, instances }, v2] }] };
    };
    expect(rejectDiscoveryConfig(withInstances(50, [0, 0]))).toBe(
      "route orders (version 0) gives v1 traffic but no instance of it a weight above 0",
    );
    expect(rejectDiscoveryConfig(withInstances(50, [0, 3]))).toBeUndefined();
    expect(rejectDiscoveryConfig(withInstances(0, [0, 0]))).toBeUndefined();
  });
});

describe("declareRoutes", () => {
  const routes: RouteDeclaration[] = [
    { id: "orders", service: "orders", backends: [{ version: "v1", weight: 100 }] },
    { id: "catalog", service: "catalog", backends: [{ version: "v1", weight: 100 }] },
  ];

  it("posts every route, retrying through errors and outages until Breakwater answers", async () => {
    const fake = await startFakeBreakwater();
    fake.answerRoutesWith([503, 500, 201, 200]);
    await declareRoutes({ breakwaterUrl: fake.url, token: "t", routes, maxBackoffMs: 20 });
    const posts = fake.seen.filter((seen) => seen.url.pathname === "/api/v1/routes");
    expect(posts.map((post) => JSON.parse(post.body).id)).toEqual(["orders", "orders", "orders", "catalog"]);
    expect(posts.every((post) => post.method === "POST" && post.authorization === "Bearer t")).toBe(true);

    await fake.stop();
    const pending = declareRoutes({ breakwaterUrl: fake.url, routes: routes.slice(0, 1), maxBackoffMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await fake.start();
    await pending;
  });

  it("rejects with DeclareRouteError when Breakwater refuses the declaration", async () => {
    const fake = await startFakeBreakwater();
    fake.answerRoutesWith([400]);
    const error = await declareRoutes({ breakwaterUrl: fake.url, routes }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeclareRouteError);
    expect(error).toMatchObject({ routeId: "orders", status: 400, code: "DECLARE_ROUTE_REJECTED" });
  });
});
