/**
 * The traffic-control benchmark (issue 5, "Benchmark"): `npm run bench:control [-- options]`.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npm run bench:control
 *
 * Starts Breakwater as `npm start` runs it (production build, its own process, a scratch
 * schema, an operator and a machine token from configuration) and the demo shop against it
 * (every instance its own process, default heartbeat cadence, the load generator running),
 * drives reads of one order through the gateway at --rate req/s (paced, open loop), signs in
 * as the operator and makes --changes weight changes to the orders route through
 * PUT /api/v1/routes/orders/weights, cycling through different splits. For each change, from
 * the moment the PUT answered 200, two pollers run side by side, each every --poll-ms:
 *  - applied: GET /api/v1/routes?service=orders until the orders status is "applied" at the
 *    new version (the gateway's heartbeat reported it);
 *  - split: GET /api/v1/routes/orders until observed.lb.current (the gateway's LB counters of
 *    the new version, as Breakwater stores them from its heartbeats) has at least
 *    --min-requests requests and every version's share within ±5 percentage points of its
 *    configured weight;
 * and reports p50/p95 of both against the targets (applied p95 ≤ 1 s, split p95 ≤ 5 s). Each
 * figure is taken when the answer that showed it arrived, so it can be late by up to one
 * polling interval plus that request's round trip (the round trips are reported too).
 *
 * Also printed, to tell where the time goes: the gateway's own clock of when it applied the
 * config (GET /admin/config appliedAt; same machine, same clock) relative to the PUT answer.
 *
 * Options: --changes 50 --rate 150 (req/s of order reads) --load-rate 10 (the load generator)
 *          --poll-ms 50 --min-requests 50 --timeout-ms 15000 (per change) --pause-ms 300
 *          (between one change settling and the next)
 * Everything it creates (two schemas, the processes) is removed at the end, also on Ctrl-C.
 * The exit code is non-zero only on errors; missed targets are reported, not failed.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { closeDb, createPool, parseDatabaseUrl, quoteIdent } from "@/lib/db/pool";
import { getEnv } from "@/lib/env";
import { createLogger } from "@/lib/server/logger";
import { type BreakwaterProcess, startBreakwaterProcess } from "@/lib/test/breakwater-process";
import {
  type RouteDetail,
  routeDetailSchema,
  type RouteList,
  routeListSchema,
  updateRouteWeightsResponseSchema,
} from "@/lib/traffic/contract";
import { type DemoHandle, startDemo } from "@/services-demo/supervisor";
import { freeDemoPorts } from "@/services-demo/test/free-demo-ports";
import { fmt, loadAverage, log, percentile } from "./bench-report";

const APPLIED_TARGET_MS = 1_000;
const SPLIT_TARGET_MS = 5_000;
const SPLIT_TOLERANCE = 0.05;

/** v1/v2 weights; consecutive entries differ (also across the wrap-around), so every change moves traffic. */
const SPLITS: readonly [number, number][] = [
  [80, 20],
  [20, 80],
  [50, 50],
  [100, 0],
  [0, 100],
  [70, 30],
  [30, 70],
  [90, 10],
  [10, 90],
  [60, 40],
];

type Options = {
  changes: number;
  rate: number;
  loadRate: number;
  pollMs: number;
  minRequests: number;
  timeoutMs: number;
  pauseMs: number;
};

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    changes: 50,
    rate: 150,
    loadRate: 10,
    pollMs: 50,
    minRequests: 50,
    timeoutMs: 15_000,
    pauseMs: 300,
  };
  const names: Record<string, keyof Options> = {
    "--changes": "changes",
    "--rate": "rate",
    "--load-rate": "loadRate",
    "--poll-ms": "pollMs",
    "--min-requests": "minRequests",
    "--timeout-ms": "timeoutMs",
    "--pause-ms": "pauseMs",
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    const value = Number(argv[i + 1]);
    if (key === undefined || !Number.isFinite(value) || value < 0) {
      throw new Error(`unknown option or bad value: ${argv[i]} ${argv[i + 1] ?? ""} (options: ${Object.keys(names).join(" ")})`);
    }
    options[key] = value;
  }
  if (options.changes < 1 || options.rate <= 0) throw new Error("--changes and --rate must be above 0");
  return options;
}

// --- formatting --------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- traffic -----------------------------------------------------------------------------------

type Traffic = { sent: number; statuses: Map<string, number>; stop(): Promise<void> };

/**
 * Reads of `path` through the gateway at `rate` req/s, paced on a fixed schedule (open loop:
 * a slow answer does not slow the schedule), at most 500 in flight.
 */
function startTraffic(url: string, rate: number): Traffic {
  const statuses = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let stopped = false;
  const startedAt = performance.now();
  const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);

  const one = async () => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      count(String(response.status));
    } catch (error) {
      count(error instanceof Error ? error.name : "error");
    }
  };

  const tick = () => {
    if (stopped) return;
    const due = Math.floor(((performance.now() - startedAt) / 1000) * rate);
    while (sent < due) {
      sent++;
      if (inFlight.size >= 500) {
        count("skipped (500 in flight)");
        continue;
      }
      const request = one().finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    setTimeout(tick, 5);
  };
  tick();

  return {
    get sent() {
      return sent;
    },
    statuses,
    async stop() {
      stopped = true;
      await Promise.all(inFlight);
    },
  };
}

// --- Breakwater API ------------------------------------------------------------------------------

type Api = {
  getRoute(): Promise<RouteDetail>;
  /** The orders entry of GET /api/v1/routes?service=orders (no observed split: the cheap read). */
  getListedRoute(): Promise<RouteList["routes"][number]>;
  setWeights(version: number, v1: number, v2: number, reason: string): Promise<number>;
};

async function signIn(breakwater: BreakwaterProcess, username: string, password: string): Promise<Api> {
  const origin = new URL(breakwater.webUrl).origin;
  const sameOrigin = { origin, "sec-fetch-site": "same-origin" };
  const login = await fetch(`${breakwater.webUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...sameOrigin },
    body: JSON.stringify({ username, password }),
  });
  if (login.status !== 200) throw new Error(`sign-in failed: HTTP ${login.status} ${await login.text()}`);
  const cookie = login.headers
    .getSetCookie()
    .map((header) => header.split(";")[0])
    .find((pair) => pair.startsWith("bw_session="));
  if (!cookie) throw new Error("sign-in answered 200 without a bw_session cookie");

  return {
    async getRoute() {
      const response = await fetch(`${breakwater.webUrl}/api/v1/routes/orders`, { signal: AbortSignal.timeout(5_000) });
      if (response.status !== 200) throw new Error(`GET /api/v1/routes/orders: HTTP ${response.status} ${await response.text()}`);
      return routeDetailSchema.parse(await response.json());
    },
    async getListedRoute() {
      const response = await fetch(`${breakwater.webUrl}/api/v1/routes?service=orders`, { signal: AbortSignal.timeout(5_000) });
      if (response.status !== 200) throw new Error(`GET /api/v1/routes: HTTP ${response.status} ${await response.text()}`);
      const route = routeListSchema.parse(await response.json()).routes.find((candidate) => candidate.id === "orders");
      if (!route) throw new Error("GET /api/v1/routes?service=orders does not list orders");
      return route;
    },
    async setWeights(version, v1, v2, reason) {
      const response = await fetch(`${breakwater.webUrl}/api/v1/routes/orders/weights`, {
        method: "PUT",
        headers: { "content-type": "application/json", cookie, ...sameOrigin },
        body: JSON.stringify({
          version,
          backends: [
            { version: "v1", weight: v1 },
            { version: "v2", weight: v2 },
          ],
          reason,
        }),
      });
      if (response.status !== 200) throw new Error(`PUT weights: HTTP ${response.status} ${await response.text()}`);
      return updateRouteWeightsResponseSchema.parse(await response.json()).route.version;
    },
  };
}

/** Every configured version's observed share within the tolerance, on at least `minRequests` requests. */
function isSplitWithin(detail: RouteDetail, weights: Record<string, number>, minRequests: number): boolean {
  const { current } = detail.observed.lb;
  if (current.total < minRequests) return false;
  return Object.entries(weights).every(([version, weight]) => {
    const share = current.backends.find((backend) => backend.version === version)?.share ?? 0;
    return Math.abs(share - weight / 100) <= SPLIT_TOLERANCE;
  });
}

// --- main ----------------------------------------------------------------------------------------

type ChangeResult = {
  split: string;
  version: number;
  appliedMs: number | undefined;
  splitMs: number | undefined;
  /** The gateway's own appliedAt (its clock) minus the PUT answer (ours; same machine). */
  gatewayAppliedMs: number | undefined;
  /** Round trips of the polls, for the resolution of the figures above. */
  pollRoundTripsMs: number[];
};

/**
 * Runs `probe` every `everyMs` (after the previous answer) until it returns true or `timeoutMs`
 * passes; the elapsed time since `since` when the answer that returned true arrived, or undefined.
 */
async function pollUntil(
  probe: () => Promise<boolean>,
  since: number,
  options: { everyMs: number; timeoutMs: number; roundTrips: number[] },
): Promise<number | undefined> {
  while (performance.now() - since < options.timeoutMs) {
    const startedAt = performance.now();
    const isDone = await probe();
    const answeredAt = performance.now();
    options.roundTrips.push(answeredAt - startedAt);
    if (isDone) return answeredAt - since;
    await sleep(options.everyMs);
  }
  return undefined;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const serverUrl = getEnv().DATABASE_URL;
  if (!serverUrl) throw new Error("set DATABASE_URL (this benchmark creates and drops its own schemas there)");
  const baseUrl = parseDatabaseUrl(serverUrl).connectionString;
  const schema = `bench_control_${process.pid}`;
  const shopSchema = `${schema}_shop`;
  const admin = createPool(baseUrl, { max: 1, applicationName: "breakwater-bench-control" });
  await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  const schemaUrl = new URL(baseUrl);
  schemaUrl.searchParams.set("schema", schema);
  const password = randomBytes(12).toString("hex");
  const token = randomBytes(16).toString("hex");

  let breakwater: BreakwaterProcess | undefined;
  let shop: DemoHandle | undefined;
  let traffic: Traffic | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await traffic?.stop().catch(() => undefined);
      await shop?.stop().catch(() => undefined);
      await breakwater?.stop().catch(() => undefined);
      await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(shopSchema)} CASCADE`).catch(() => undefined);
      await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`).catch(() => undefined);
      await admin.end().catch(() => undefined);
      await closeDb().catch(() => undefined);
    })());
  const onSignal = () => {
    log("\ninterrupted: stopping the shop and Breakwater, dropping the schemas");
    void cleanUp().then(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const pg = await admin.query<{ server_version: string }>("SHOW server_version");
    log(
      `bench:control — node ${process.version}, PostgreSQL ${pg.rows[0].server_version}, ${os.cpus().length} cores, schema ${schema}; ` +
        `${options.changes} changes, order reads ${options.rate} req/s + load generator ${options.loadRate} req/s, poll every ${options.pollMs} ms`,
    );
    log(`load average (1/5/15 min) at start: ${loadAverage()} — the machine is shared; figures move with it`);

    breakwater = await startBreakwaterProcess({
      databaseUrl: schemaUrl.toString(),
      env: {
        BREAKWATER_DEMO: "false",
        BREAKWATER_USERS: `bench:operator:${password}`,
        BREAKWATER_INGEST_TOKENS: token,
      },
      startTimeoutMs: 120_000,
    });
    const ports = await freeDemoPorts();
    shop = await startDemo({
      breakwaterUrl: breakwater.webUrl,
      otlpEndpoint: breakwater.otlpHttpUrl,
      token,
      databaseUrl: schemaUrl.toString(),
      dbSchema: shopSchema,
      ports,
      loadRate: options.loadRate,
      rateLimit: { ratePerSec: 100_000, burst: 100_000 },
      logLevel: "warn",
      log: createLogger({ level: "warn", name: "bench-control" }),
      output: (line, instance) => log(`[${instance}] ${line}`),
    });
    const gatewayUrl = shop.gatewayUrl;
    const api = await signIn(breakwater, "bench", password);

    // The gateway has declared orders and applied it, and knows both versions' instances.
    const readyBy = Date.now() + 60_000;
    for (;;) {
      const detail = await api.getRoute().catch(() => undefined);
      const config = (await (await fetch(`${gatewayUrl}/admin/config`)).json()) as { instances: { instanceId: string }[] };
      const known = config.instances.map((instance) => instance.instanceId);
      if (detail?.status.state === "applied" && known.includes("orders-v1-1") && known.includes("orders-v2-1")) break;
      if (Date.now() > readyBy) throw new Error("the gateway did not apply the orders route with both versions within 60 s");
      await sleep(250);
    }

    let orderId: string | undefined;
    for (let attempt = 0; orderId === undefined && attempt < 20; attempt++) {
      const response = await fetch(`${gatewayUrl}/api/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ items: [{ sku: "bw-rope", quantity: 1 }] }),
      });
      // A declined card (402) is part of the demo: try again.
      if (response.status === 201) orderId = ((await response.json()) as { order: { id: string } }).order.id;
    }
    if (orderId === undefined) throw new Error("could not place an order through the gateway");

    traffic = startTraffic(`${gatewayUrl}/api/orders/${orderId}`, options.rate);
    const trafficStartedAt = performance.now();
    await sleep(2_000);
    const startedAt = performance.now();

    const results: ChangeResult[] = [];
    log("\n  #  split   version  save→applied  save→split ±5 %  gateway applied (its clock)  slowest poll");
    for (let index = 0; index < options.changes; index++) {
      const [v1, v2] = SPLITS[index % SPLITS.length];
      const weights = { v1, v2 };
      const current = await api.getRoute();
      const version = await api.setWeights(current.route.version, v1, v2, `bench:control change ${index + 1}`);
      const savedAt = performance.now();
      const savedWallMs = Date.now();
      const roundTrips: number[] = [];
      const polling = { everyMs: options.pollMs, timeoutMs: options.timeoutMs, roundTrips };
      const [appliedMs, splitMs] = await Promise.all([
        pollUntil(
          async () => {
            const { status } = await api.getListedRoute();
            return status.state === "applied" && status.version === version;
          },
          savedAt,
          polling,
        ),
        pollUntil(
          async () => {
            const detail = await api.getRoute();
            return detail.route.version === version && isSplitWithin(detail, weights, options.minRequests);
          },
          savedAt,
          polling,
        ),
      ]);
      const config = (await (await fetch(`${gatewayUrl}/admin/config`)).json()) as {
        applied: { appliedAt: string | null; routes: { id: string; version: number }[] };
      };
      const isGatewayAtVersion = config.applied.routes.some((route) => route.id === "orders" && route.version === version);
      const result: ChangeResult = {
        split: `${v1}/${v2}`,
        version,
        appliedMs,
        splitMs,
        gatewayAppliedMs:
          isGatewayAtVersion && config.applied.appliedAt ? Date.parse(config.applied.appliedAt) - savedWallMs : undefined,
        pollRoundTripsMs: roundTrips,
      };
      results.push(result);
      const show = (n: number | undefined) => (n === undefined ? `> ${fmt(options.timeoutMs)} ms` : `${fmt(n)} ms`);
      log(
        `${String(index + 1).padStart(3)}  ${result.split.padEnd(7)} ${String(version).padStart(7)}  ${show(result.appliedMs).padStart(12)}  ` +
          `${show(result.splitMs).padStart(15)}  ${(result.gatewayAppliedMs === undefined ? "n/a" : `${fmt(result.gatewayAppliedMs)} ms`).padStart(26)}  ` +
          `${fmt(Math.max(...result.pollRoundTripsMs))} ms`,
      );
      await sleep(options.pauseMs);
    }
    const elapsedS = (performance.now() - startedAt) / 1000;
    await traffic.stop();

    const summarize = (label: string, values: (number | undefined)[], targetMs: number) => {
      const measured = values.filter((value): value is number => value !== undefined);
      const missing = values.length - measured.length;
      const p95 = missing > 0 && missing / values.length > 0.05 ? Number.POSITIVE_INFINITY : percentile(measured, 95);
      const verdict = p95 <= targetMs ? "✔ target met" : "✘ target missed";
      log(
        `${label}: n=${values.length} p50=${fmt(percentile(measured, 50))} ms p95=${Number.isFinite(p95) ? fmt(p95) : "n/a"} ms ` +
          `max=${fmt(Math.max(...measured))} ms${missing > 0 ? ` (${missing} never within ${fmt(options.timeoutMs)} ms)` : ""} — ` +
          `target p95 ≤ ${fmt(targetMs)} ms ${verdict}`,
      );
    };
    log("");
    summarize(
      "save → applied by the gateway",
      results.map((result) => result.appliedMs),
      APPLIED_TARGET_MS,
    );
    summarize(
      "save → observed split within ±5 %",
      results.map((result) => result.splitMs),
      SPLIT_TARGET_MS,
    );
    const roundTripsMs = results.flatMap((result) => result.pollRoundTripsMs);
    const gatewayClock = results.map((result) => result.gatewayAppliedMs).filter((value): value is number => value !== undefined);
    log(
      `(save → the gateway applied the config, its own clock: p50=${fmt(percentile(gatewayClock, 50))} ms ` +
        `p95=${fmt(percentile(gatewayClock, 95))} ms; poll round trips p50=${fmt(percentile(roundTripsMs, 50))} ms ` +
        `p95=${fmt(percentile(roundTripsMs, 95))} ms max=${fmt(Math.max(...roundTripsMs))} ms)`,
    );
    const statuses = [...traffic.statuses].map(([status, n]) => `${status}: ${fmt(n)}`).join(", ");
    const trafficS = (performance.now() - trafficStartedAt) / 1000;
    log(
      `order reads: ${fmt(traffic.sent)} sent in ${fmt(trafficS, 1)} s (${fmt(traffic.sent / trafficS)} req/s); answers ${statuses}`,
    );
    log(`${options.changes} changes in ${fmt(elapsedS, 1)} s`);
    log(`load average at end: ${loadAverage()}`);
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
