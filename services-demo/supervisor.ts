/**
 * Runs the demo shop: one Node process per instance (catalog, inventory, payments ×2, orders
 * v1 + v2, gateway, then the load generator), each with its own OTel identity passed only
 * through the standard OTEL_* variables. Prefixes their output with the instance id, reports a
 * crash loudly (exit code or signal, last stderr lines) and restarts it with backoff — giving
 * up, and saying so, after a run of quick crashes. stop() ends everything (SIGTERM, SIGKILL
 * after a grace) and leaves no process behind.
 *
 * Children run in their own process group (detached) so a terminal's Ctrl-C reaches only the
 * supervisor, which then stops them in order (load first). Each holds an IPC channel to us
 * only as a lifeline: it exits when the channel closes, so even a supervisor killed with
 * SIGKILL leaves no orphans behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Logger } from "../lib/server/logger";
import { DEMO_PORT_VARIABLES, type DemoPortKey, type DemoPorts, resolveDemoPorts } from "./shared/env";

const demoRoot = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(demoRoot, "..");
const preload = pathToFileURL(path.join(demoRoot, "shared/telemetry-preload.ts")).href;

export type DemoInstanceSpec = {
  instanceId: string;
  service: string;
  version: string;
  /** Entry file, relative to services-demo/. */
  entry: string;
  /** Which of the demo ports it listens on; none for the load generator. */
  portKey?: DemoPortKey;
};

/** Start order: what others call first; the gateway last of the services. The load generator follows separately. */
export const DEMO_INSTANCES: readonly DemoInstanceSpec[] = [
  { instanceId: "catalog-1", service: "catalog", version: "v1", entry: "catalog/main.ts", portKey: "catalog" },
  { instanceId: "inventory-1", service: "inventory", version: "v1", entry: "inventory/main.ts", portKey: "inventory" },
  { instanceId: "payments-1", service: "payments", version: "v1", entry: "payments/main.ts", portKey: "payments1" },
  { instanceId: "payments-2", service: "payments", version: "v1", entry: "payments/main.ts", portKey: "payments2" },
  { instanceId: "orders-v1-1", service: "orders", version: "v1", entry: "orders/main.ts", portKey: "ordersV1" },
  { instanceId: "orders-v2-1", service: "orders", version: "v2", entry: "orders/main.ts", portKey: "ordersV2" },
  { instanceId: "gateway-1", service: "gateway", version: "v1", entry: "gateway/main.ts", portKey: "gateway" },
];

export const LOADGEN_INSTANCE: DemoInstanceSpec = {
  instanceId: "loadgen-1",
  service: "loadgen",
  version: "v1",
  entry: "loadgen/main.ts",
};

export type DemoInstanceState = "starting" | "running" | "restarting" | "stopping" | "stopped" | "failed";

export type DemoInstanceInfo = {
  /** The instance id (service.instance.id), also its name in logs. */
  name: string;
  instanceId: string;
  service: string;
  version: string;
  /** Current process id; undefined while not running. */
  pid: number | undefined;
  port: number | undefined;
  /** Base URL (its /healthz and /admin/faults live under it); undefined for the load generator. */
  address: string | undefined;
  state: DemoInstanceState;
  /** Restarts after crashes so far. */
  restarts: number;
};

export type RestartPolicy = {
  /** First restart delay; doubles per consecutive crash. Default 500 ms. */
  initialDelayMs: number;
  /** Default 10 s. */
  maxDelayMs: number;
  /** A crash within this long after start counts as quick. Default 10 s. */
  quickCrashMs: number;
  /** Give up after this many quick crashes in a row. Default 5. */
  maxQuickCrashes: number;
};

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  quickCrashMs: 10_000,
  maxQuickCrashes: 5,
};

export type StartDemoOptions = {
  /** Breakwater's web/API base URL, e.g. http://127.0.0.1:3000 */
  breakwaterUrl: string;
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT), e.g. http://127.0.0.1:4318 */
  otlpEndpoint: string;
  /** Machine token for heartbeats/discovery/routes (one of BREAKWATER_INGEST_TOKENS). */
  token?: string;
  /** PostgreSQL for inventory's stock and orders (own schema); none = in memory. */
  databaseUrl?: string;
  /** Default demo_shop. */
  dbSchema?: string;
  /** Interface the services listen on. Default 127.0.0.1. */
  host?: string;
  /** Explicit ports; 0 = a free port picked here. Win over portBase. */
  ports?: Partial<DemoPorts>;
  /** Ports base, base+1, … (see env.ts); default the fixed defaults (gateway 8080…). */
  portBase?: number;
  /** Load generator requests per second; 0 = no load generator. Default 15. */
  loadRate?: number;
  /** Gateway per-client rate limit. Default 50 req/s, burst 100. */
  rateLimit?: { ratePerSec: number; burst: number };
  /** Log level of the processes. Default info. */
  logLevel?: "debug" | "info" | "warn" | "error";
  /** Heartbeat cadence and TTL of the processes (tests shorten them). Default 1000 / 3000 ms. */
  heartbeatIntervalMs?: number;
  heartbeatTtlMs?: number;
  restart?: Partial<RestartPolicy>;
  /** How long start waits for every process to answer /healthz. Default 60 s. */
  startTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace. Default 8 s. */
  stopGraceMs?: number;
  /** Supervisor messages (crashes, restarts, give-ups). */
  log: Logger;
  /** Where the processes' output lines go. Default: this process's stdout/stderr, prefixed `[instance-id] `. */
  output?: (line: string, instance: string, stream: "stdout" | "stderr") => void;
};

export type DemoHandle = {
  /** A fresh snapshot of every instance. */
  readonly instances: DemoInstanceInfo[];
  ports: DemoPorts;
  gatewayUrl: string;
  /**
   * Deliberate stop (tests, demos of an outage): not restarted until startInstance. `{ signal: "SIGKILL" }` kills it
   * outright, as a crash would (no goodbye heartbeat), for tests of TTL expiry.
   */
  stopInstance(instanceId: string, options?: { signal?: "SIGTERM" | "SIGKILL" }): Promise<void>;
  /** Starts a stopped (or given-up) instance again and waits until it answers. */
  startInstance(instanceId: string): Promise<void>;
  /** Stops everything (load generator first); resolves when no process is left. Idempotent. */
  stop(): Promise<void>;
};

export class DemoPortInUseError extends Error {
  readonly code = "DEMO_PORT_IN_USE";
  constructor(readonly taken: { instanceId: string; port: number; variable: string }[]) {
    super(
      `demo shop not started: ${taken
        .map((entry) => `port ${entry.port} (${entry.instanceId}, ${entry.variable}) is in use`)
        .join("; ")}. Free the port, or move the demo with DEMO_PORT_BASE or the variable named.`,
    );
    this.name = "DemoPortInUseError";
  }
}

export class DemoStartError extends Error {
  readonly code = "DEMO_START_FAILED";
}

const STDERR_TAIL_LINES = 20;

type Managed = {
  spec: DemoInstanceSpec;
  port: number | undefined;
  address: string | undefined;
  child: ChildProcess | undefined;
  state: DemoInstanceState;
  /** What we want: running (restart on exit) or stopped. */
  wanted: "running" | "stopped";
  startedAt: number;
  restarts: number;
  consecutiveCrashes: number;
  quickCrashes: number;
  restartTimer: NodeJS.Timeout | undefined;
  stderrTail: string[];
  exited: Promise<void>;
};

function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ host, port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Variables a child must not inherit: its configuration is exactly what we pass. */
function inheritedEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(OTEL_|DEMO_|BREAKWATER_)/.test(key)) continue;
    if (["DATABASE_URL", "PORT", "LOG_LEVEL", "NODE_OPTIONS"].includes(key)) continue;
    out[key] = value;
  }
  return out;
}

export async function startDemo(options: StartDemoOptions): Promise<DemoHandle> {
  const { log } = options;
  const host = options.host ?? "127.0.0.1";
  const policy: RestartPolicy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
  const graceMs = options.stopGraceMs ?? 8_000;
  const loadRate = options.loadRate ?? 15;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const output =
    options.output ??
    ((line: string, instance: string, stream: "stdout" | "stderr") =>
      (stream === "stderr" ? process.stderr : process.stdout).write(`[${instance}] ${line}\n`));

  // Ports: explicit (0 = pick a free one) > base > defaults; check them all before spawning.
  const ports = resolveDemoPorts({ portBase: options.portBase, ports: options.ports });
  for (const key of Object.keys(ports) as DemoPortKey[]) if (ports[key] === 0) ports[key] = await freePort(host);
  const taken: DemoPortInUseError["taken"] = [];
  for (const spec of DEMO_INSTANCES) {
    if (!spec.portKey) continue;
    const port = ports[spec.portKey];
    if (!(await isPortFree(host, port)))
      taken.push({ instanceId: spec.instanceId, port, variable: DEMO_PORT_VARIABLES[spec.portKey] });
  }
  if (taken.length > 0) throw new DemoPortInUseError(taken);

  const addressHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const gatewayUrl = `http://${addressHost}:${ports.gateway}`;
  const specs = loadRate > 0 ? [...DEMO_INSTANCES, LOADGEN_INSTANCE] : [...DEMO_INSTANCES];
  const managed = new Map<string, Managed>(
    specs.map((spec) => {
      const port = spec.portKey ? ports[spec.portKey] : undefined;
      const entry: Managed = {
        spec,
        port,
        address: port === undefined ? undefined : `http://${addressHost}:${port}`,
        child: undefined,
        state: "stopped",
        wanted: "stopped",
        startedAt: 0,
        restarts: 0,
        consecutiveCrashes: 0,
        quickCrashes: 0,
        restartTimer: undefined,
        stderrTail: [],
        exited: Promise.resolve(),
      };
      return [spec.instanceId, entry];
    }),
  );

  const childEnv = (spec: DemoInstanceSpec, port: number | undefined): Record<string, string> => {
    const env: Record<string, string> = {
      ...inheritedEnv(),
      // Telemetry: only the standard OpenTelemetry SDK variables.
      OTEL_SERVICE_NAME: spec.service,
      OTEL_RESOURCE_ATTRIBUTES: `service.version=${spec.version},service.instance.id=${spec.instanceId}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_BSP_SCHEDULE_DELAY: "500",
      OTEL_METRICS_EXPORTER: "none",
      OTEL_LOGS_EXPORTER: "none",
      // The demo's own settings.
      BREAKWATER_URL: options.breakwaterUrl,
      DEMO_HOST: host,
      DEMO_LOG_LEVEL: options.logLevel ?? "info",
      DEMO_LOAD_RATE: String(loadRate),
      DEMO_GATEWAY_URL: gatewayUrl,
    };
    if (port !== undefined) env.DEMO_PORT = String(port);
    if (options.token) {
      env.DEMO_BREAKWATER_TOKEN = options.token;
      // The same token for OTLP: Breakwater asks spans for one as soon as any is configured.
      env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer%20${encodeURIComponent(options.token)}`;
    }
    if (options.databaseUrl) env.DEMO_DATABASE_URL = options.databaseUrl;
    if (options.dbSchema) env.DEMO_DB_SCHEMA = options.dbSchema;
    if (options.rateLimit) {
      env.DEMO_RATE_LIMIT_RPS = String(options.rateLimit.ratePerSec);
      env.DEMO_RATE_LIMIT_BURST = String(options.rateLimit.burst);
    }
    if (options.heartbeatIntervalMs) env.DEMO_HEARTBEAT_INTERVAL_MS = String(options.heartbeatIntervalMs);
    if (options.heartbeatTtlMs) env.DEMO_HEARTBEAT_TTL_MS = String(options.heartbeatTtlMs);
    return env;
  };

  const spawnInstance = (entry: Managed): void => {
    const { spec } = entry;
    entry.restartTimer = undefined;
    entry.stderrTail = [];
    entry.state = "starting";
    entry.startedAt = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", "--import", preload, path.join(demoRoot, spec.entry)], {
      cwd: repoRoot,
      // (Next.js types make NODE_ENV required in ProcessEnv; the child inherits ours when set.)
      env: childEnv(spec, entry.port) as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      detached: true,
    });
    entry.child = child;
    for (const stream of ["stdout", "stderr"] as const) {
      const source = child[stream];
      if (!source) continue;
      createInterface({ input: source }).on("line", (line) => {
        if (stream === "stderr") {
          entry.stderrTail.push(line);
          if (entry.stderrTail.length > STDERR_TAIL_LINES) entry.stderrTail.shift();
        }
        output(line, spec.instanceId, stream);
      });
    }
    child.on("error", (error) => log.error(`demo: could not start ${spec.instanceId}: ${error.message}`));
    entry.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        if (entry.child === child) entry.child = undefined;
        onExit(entry, code, signal);
        resolve();
      });
    });
  };

  const onExit = (entry: Managed, code: number | null, signal: NodeJS.Signals | null): void => {
    const { spec } = entry;
    if (entry.wanted === "stopped") {
      entry.state = "stopped";
      return;
    }
    const ranMs = Date.now() - entry.startedAt;
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    const tail =
      entry.stderrTail.length > 0 ? `; last stderr lines:\n    ${entry.stderrTail.join("\n    ")}` : "; no stderr output";
    log.error(`demo: ${spec.instanceId} (${spec.service} ${spec.version}) crashed (${how}) after ${ranMs} ms${tail}`);

    if (ranMs >= policy.quickCrashMs) {
      entry.consecutiveCrashes = 0;
      entry.quickCrashes = 0;
    }
    entry.consecutiveCrashes++;
    if (ranMs < policy.quickCrashMs) entry.quickCrashes++;
    if (entry.quickCrashes >= policy.maxQuickCrashes) {
      entry.state = "failed";
      entry.wanted = "stopped";
      log.error(
        `demo: ${spec.instanceId} crashed ${entry.quickCrashes} times in a row within ${policy.quickCrashMs} ms of starting; ` +
          "giving up on it (it stays down; fix the cause and restart the demo)",
      );
      return;
    }
    const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (entry.consecutiveCrashes - 1));
    entry.state = "restarting";
    log.warn(`demo: restarting ${spec.instanceId} in ${delayMs} ms (restart ${entry.restarts + 1})`);
    entry.restartTimer = setTimeout(() => {
      if (entry.wanted !== "running") return;
      entry.restarts++;
      spawnInstance(entry);
      waitReady(entry, Date.now() + startTimeoutMs, entry.child).then(
        () => log.info(`demo: ${spec.instanceId} is back (restart ${entry.restarts})`),
        (error: unknown) => {
          // A crash during start-up is reported (and retried) by onExit; only a silent hang is news.
          if (!(error instanceof Superseded) && entry.child && entry.state === "starting") {
            log.warn(`demo: ${(error as Error).message}`);
          }
        },
      );
    }, delayMs);
  };

  class Superseded extends Error {}
  /**
   * Until /healthz answers 200 (or the process gave up for good, or the deadline passes).
   * With `child`, only for that process: a newer one (it crashed and was restarted) has its own wait.
   */
  const waitReady = async (entry: Managed, deadline: number, child?: ChildProcess): Promise<void> => {
    while (Date.now() < deadline) {
      if (child && entry.child && entry.child !== child) throw new Superseded();
      if (entry.state === "failed") {
        const tail = entry.stderrTail.length > 0 ? `; last stderr lines:\n    ${entry.stderrTail.join("\n    ")}` : "";
        throw new DemoStartError(
          `${entry.spec.instanceId} did not start: it crashed ${entry.quickCrashes} times in a row${tail}`,
        );
      }
      if (entry.wanted === "stopped") throw new DemoStartError(`${entry.spec.instanceId} was stopped while starting`);
      if (entry.child && entry.address === undefined) {
        entry.state = "running";
        return;
      }
      if (entry.child && entry.address !== undefined) {
        try {
          const response = await fetch(`${entry.address}/healthz`, { signal: AbortSignal.timeout(1_000) });
          await response.body?.cancel();
          if (response.ok) {
            entry.state = "running";
            return;
          }
        } catch {
          // not listening yet
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const tail = entry.stderrTail.length > 0 ? `; last stderr lines:\n    ${entry.stderrTail.join("\n    ")}` : "";
    throw new DemoStartError(`${entry.spec.instanceId} did not answer ${entry.address ?? "(no port)"}/healthz in time${tail}`);
  };

  const stopEntry = async (entry: Managed, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> => {
    entry.wanted = "stopped";
    clearTimeout(entry.restartTimer);
    entry.restartTimer = undefined;
    const child = entry.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      if (entry.state !== "failed") entry.state = "stopped";
      return;
    }
    entry.state = "stopping";
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        // Negative pid: the child's whole process group (it was spawned detached).
        process.kill(-child.pid!, signal);
      } catch {
        child.kill(signal);
      }
    };
    signalGroup(signal);
    const timer = setTimeout(() => {
      log.warn(`demo: ${entry.spec.instanceId} did not stop within ${graceMs} ms; killing it`);
      signalGroup("SIGKILL");
    }, graceMs);
    await entry.exited;
    clearTimeout(timer);
  };

  // A last resort if this process exits without stop() (an uncaught error, process.exit):
  // no child may outlive it. Synchronous, as 'exit' handlers must be.
  const killAllNow = () => {
    for (const entry of managed.values()) {
      const pid = entry.child?.pid;
      if (pid === undefined || entry.child?.exitCode !== null) continue;
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  process.on("exit", killAllNow);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const loadgen = managed.get(LOADGEN_INSTANCE.instanceId);
      if (loadgen) await stopEntry(loadgen);
      await Promise.all([...managed.values()].map((entry) => stopEntry(entry)));
      process.off("exit", killAllNow);
    })();
    return stopping;
  };

  const startEntries = async (entries: Managed[], deadline: number) => {
    for (const entry of entries) {
      entry.wanted = "running";
      entry.quickCrashes = 0;
      entry.consecutiveCrashes = 0;
      spawnInstance(entry);
    }
    await Promise.all(entries.map((entry) => waitReady(entry, deadline)));
  };

  const deadline = Date.now() + startTimeoutMs;
  try {
    const services = [...managed.values()].filter((entry) => entry.spec.instanceId !== LOADGEN_INSTANCE.instanceId);
    await startEntries(services, deadline);
    const loadgen = managed.get(LOADGEN_INSTANCE.instanceId);
    if (loadgen) await startEntries([loadgen], deadline);
  } catch (error) {
    await stop();
    throw error;
  }

  const find = (instanceId: string): Managed => {
    const entry = managed.get(instanceId);
    if (!entry) throw new Error(`no demo instance ${instanceId} (known: ${[...managed.keys()].join(", ")})`);
    return entry;
  };

  return {
    get instances(): DemoInstanceInfo[] {
      return [...managed.values()].map((entry) => ({
        name: entry.spec.instanceId,
        instanceId: entry.spec.instanceId,
        service: entry.spec.service,
        version: entry.spec.version,
        pid: entry.child?.pid,
        port: entry.port,
        address: entry.address,
        state: entry.state,
        restarts: entry.restarts,
      }));
    },
    ports,
    gatewayUrl,
    async stopInstance(instanceId, options) {
      const entry = find(instanceId);
      await stopEntry(entry, options?.signal);
      log.info(`demo: ${instanceId} stopped on request`);
    },
    async startInstance(instanceId) {
      if (stopping) throw new Error("the demo is stopping");
      const entry = find(instanceId);
      if (entry.child) {
        if (entry.wanted === "running") return;
        await stopEntry(entry);
      }
      await startEntries([entry], Date.now() + startTimeoutMs);
      log.info(`demo: ${instanceId} started on request`);
    },
    stop,
  };
}
