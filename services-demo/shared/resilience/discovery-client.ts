import http from "node:http";
import {
  type AppliedConfig,
  DISCOVERY_MAX_WAIT_MS,
  type DiscoveryResponse,
  discoveryResponseSchema,
  type RouteDeclaration,
} from "../../../lib/control/contract";
import { ControlPlaneUnreachableError, delay, requestControlPlane } from "./control-plane-request";
import { holdEmptiedServices } from "./hold-emptied-services";
import { type ResilienceLogger, silentLogger } from "./logger";

/**
 * The discovery watch: long-polls Breakwater for the instances and routes of the services a
 * process calls, applies each new config once, and keeps the last good one when Breakwater is
 * unreachable or answers nonsense (including routes whose weights are all zero). A config that
 * leaves a watched service with no instance while the one in use had some keeps those
 * instances (see hold-emptied-services): a registry that lost everybody at once is the
 * registry's problem, not a reason to stop serving.
 */

export type DiscoveryWatchOptions = {
  /** Base URL, e.g. http://127.0.0.1:3000 */
  breakwaterUrl: string;
  services: readonly string[];
  /** Machine token (Authorization: Bearer). */
  token?: string;
  /** Called with every new accepted config (its `version` differs from the applied one). */
  onConfig: (config: DiscoveryResponse) => void;
  log?: ResilienceLogger;
  /** Long-poll hold asked of Breakwater. Default 25000 ms. */
  waitMs?: number;
  /**
   * Backoff cap while Breakwater is unreachable. Default 1000 ms: a restarted Breakwater is
   * watched again (and its weight changes applied) within about a second.
   */
  maxBackoffMs?: number;
  now?: () => number;
  random?: () => number;
};

export type DiscoveryWatch = {
  /** What this process runs on, for the heartbeat's appliedConfig. */
  appliedConfig(): AppliedConfig;
  /** The config last applied, if any. */
  current(): DiscoveryResponse | undefined;
  /** Resolves once a first config has been applied. */
  ready(): Promise<DiscoveryResponse>;
  /** Ends the loop and cancels the request in flight. */
  stop(): Promise<void>;
};

/** How long past the long-poll hold a request may take before it counts as lost. */
const LONG_POLL_MARGIN_MS = 10_000;

/** 100 ms, 200 ms, 400 ms … capped, with ±25 % jitter so a fleet does not reconnect in step. */
function backoffMs(failures: number, capMs: number, random: () => number) {
  const base = Math.min(capMs, 100 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

/** Why this config must not be applied, or undefined. Breakwater should never send one; the gateway still refuses. */
export function rejectDiscoveryConfig(config: DiscoveryResponse): string | undefined {
  for (const route of config.routes) {
    if (!route.backends.some((backend) => backend.weight > 0)) {
      return `route ${route.id} (version ${route.version}) has no backend with a weight above 0`;
    }
    for (const backend of route.backends) {
      if (backend.weight > 0 && backend.instances && !backend.instances.some((instance) => instance.weight > 0)) {
        return `route ${route.id} (version ${route.version}) gives ${backend.version} traffic but no instance of it a weight above 0`;
      }
    }
  }
  return undefined;
}

export function startDiscoveryWatch(options: DiscoveryWatchOptions): DiscoveryWatch {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const log = options.log ?? silentLogger;
  const waitMs = Math.min(options.waitMs ?? 25_000, DISCOVERY_MAX_WAIT_MS);
  const maxBackoffMs = options.maxBackoffMs ?? 1_000;
  const agent = new http.Agent({ keepAlive: true });
  const controller = new AbortController();
  const startedAt = now();

  let applied: { config: DiscoveryResponse; appliedAt: number } | undefined;
  /** The last version Breakwater sent, applied or rejected: the next long-poll waits for a change from it. */
  let seenVersion: string | undefined;
  let lastContactAt: number | undefined;
  /**
   * A long-poll is open on the heels of a good answer: Breakwater is holding it, so the config
   * is as current as Breakwater knows (a Breakwater that dies closes the connection at once; a
   * silent network partition shows only when the poll times out, after waitMs + a margin).
   */
  let isHeldByBreakwater = false;
  let failures = 0;
  /** Services whose instances are kept from an earlier config, for logging changes only. */
  let heldServices: string[] = [];

  let markReady: (config: DiscoveryResponse) => void = () => {};
  let markStopped: (error: Error) => void = () => {};
  const readyPromise = new Promise<DiscoveryResponse>((resolve, reject) => {
    markReady = resolve;
    markStopped = reject;
  });
  // ready() is optional for callers: a stop before the first config must not be an unhandled rejection.
  readyPromise.catch(() => {});

  const discoveryUrl = () => {
    const url = new URL("/api/v1/discovery", options.breakwaterUrl);
    for (const service of options.services) url.searchParams.append("service", service);
    if (seenVersion !== undefined) {
      url.searchParams.set("since", seenVersion);
      url.searchParams.set("waitMs", String(waitMs));
    }
    return url;
  };

  /** One poll. Returns normally on contact (new config, rejected config or 304); throws otherwise. */
  const pollOnce = async () => {
    const response = await requestControlPlane({
      url: discoveryUrl(),
      method: "GET",
      token: options.token,
      timeoutMs: waitMs + LONG_POLL_MARGIN_MS,
      signal: controller.signal,
      agent,
    });
    if (response.status === 304) {
      lastContactAt = now();
      return;
    }
    if (response.status !== 200) {
      throw new Error(`discovery answered HTTP ${response.status}: ${response.text.slice(0, 200)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw new Error(`discovery answered something that is not JSON: ${response.text.slice(0, 100)}`);
    }
    const parsed = discoveryResponseSchema.safeParse(json);
    if (!parsed.success) throw new Error(`discovery answer does not match the contract: ${parsed.error.message.slice(0, 300)}`);
    lastContactAt = now();
    const config = parsed.data;
    seenVersion = config.version;
    if (config.version === applied?.config.version) return;
    const rejection = rejectDiscoveryConfig(config);
    if (rejection) {
      log.warn(`discovery: rejected config ${config.version}, keeping ${applied?.config.version ?? "none"}: ${rejection}`);
      return;
    }
    const { instances, held } = holdEmptiedServices(applied?.config.instances ?? [], config.instances, options.services);
    const effective = held.length > 0 ? { ...config, instances } : config;
    try {
      options.onConfig(effective);
    } catch (error) {
      // Not applied: forget the version so the next poll returns it again (after a backoff).
      seenVersion = applied?.config.version;
      throw new Error(`discovery: applying config ${config.version} failed: ${(error as Error).message}`);
    }
    applied = { config: effective, appliedAt: now() };
    log.info(`discovery: applied config ${config.version}`, {
      instances: effective.instances.length,
      routes: config.routes.map((route) => `${route.id}@${route.version}`),
    });
    if (held.join() !== heldServices.join()) {
      const released = heldServices.filter((service) => !held.includes(service));
      if (held.length > 0) {
        log.warn(
          `discovery: config ${config.version} offers no instance of ${held.join(", ")}; keeping the ones in use until it does`,
        );
      }
      if (released.length > 0) log.info(`discovery: ${released.join(", ")} offered again`);
      heldServices = held;
    }
    markReady(effective);
  };

  const loop = async () => {
    while (!controller.signal.aborted) {
      isHeldByBreakwater = failures === 0 && lastContactAt !== undefined;
      try {
        await pollOnce();
        isHeldByBreakwater = false;
        if (failures > 0) log.info(`discovery: Breakwater reachable again after ${failures} failed attempt(s)`);
        failures = 0;
      } catch (error) {
        // The held poll was contact up to the moment it broke.
        if (isHeldByBreakwater) lastContactAt = now();
        isHeldByBreakwater = false;
        if (controller.signal.aborted) break;
        failures++;
        const message = error instanceof Error ? error.message : String(error);
        // One line per outage, not one per retry.
        if (failures === 1) {
          const kept = applied ? `keeping config ${applied.config.version}` : "no config yet";
          log.warn(`discovery: ${message} (${kept}; retrying)`, {
            unreachable: error instanceof ControlPlaneUnreachableError,
          });
        }
        await delay(backoffMs(failures, maxBackoffMs, random), controller.signal);
      }
    }
  };
  const running = loop();

  return {
    appliedConfig: () => ({
      version: applied?.config.version ?? null,
      appliedAt: applied ? new Date(applied.appliedAt).toISOString() : null,
      routes: (applied?.config.routes ?? []).map((route) => ({ id: route.id, version: route.version })),
      configAgeMs: isHeldByBreakwater ? 0 : Math.max(0, Math.round(now() - (lastContactAt ?? startedAt))),
    }),
    current: () => applied?.config,
    ready: () => readyPromise,
    async stop() {
      controller.abort();
      await running;
      agent.destroy();
      markStopped(new Error("discovery watch stopped before a config was applied"));
    },
  };
}

export type DeclareRoutesOptions = {
  breakwaterUrl: string;
  token?: string;
  routes: readonly RouteDeclaration[];
  log?: ResilienceLogger;
  signal?: AbortSignal;
  maxBackoffMs?: number;
};

/**
 * POST /api/v1/routes for each route, retrying (backoff) until Breakwater answers. Created or
 * already there are both fine; a 4xx other than 408/429 means the declaration itself is wrong
 * and rejects (typed DeclareRouteError) instead of retrying forever.
 */
export async function declareRoutes(options: DeclareRoutesOptions): Promise<void> {
  const log = options.log ?? silentLogger;
  const maxBackoffMs = options.maxBackoffMs ?? 2_000;
  for (const route of options.routes) {
    for (let failures = 0; ;) {
      if (options.signal?.aborted) throw new ControlPlaneUnreachableError("route declaration cancelled", "aborted");
      let problem: string;
      try {
        const response = await requestControlPlane({
          url: new URL("/api/v1/routes", options.breakwaterUrl),
          method: "POST",
          token: options.token,
          body: route,
          timeoutMs: 5_000,
          signal: options.signal,
        });
        if (response.status === 200 || response.status === 201) {
          log.info(`routes: ${route.id} ${response.status === 201 ? "created" : "already declared"}`);
          break;
        }
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          throw new DeclareRouteError(route.id, response.status, response.text.slice(0, 500));
        }
        problem = `HTTP ${response.status}`;
      } catch (error) {
        if (!(error instanceof ControlPlaneUnreachableError) || error.reason === "aborted") throw error;
        problem = error.message;
      }
      failures++;
      if (failures === 1) log.warn(`routes: declaring ${route.id} failed (${problem}); retrying until Breakwater answers`);
      await delay(Math.min(maxBackoffMs, 100 * 2 ** (failures - 1)), options.signal);
    }
  }
}

export class DeclareRouteError extends Error {
  readonly code = "DECLARE_ROUTE_REJECTED";
  constructor(
    readonly routeId: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`Breakwater refused route ${routeId}: HTTP ${status} ${detail}`);
    this.name = "DeclareRouteError";
  }
}
