import http from "node:http";
import type { AddressInfo } from "node:net";
import { trace } from "@opentelemetry/api";
import {
  type CheckStatus,
  type FaultSpec,
  faultSpecSchema,
  type HeartbeatInput,
  type HeartbeatResponse,
  type ReportedStatus,
} from "../../lib/control/contract";
import { createLogger, type Logger } from "../../lib/server/logger";
import { type ServiceEnv, parseServiceEnv } from "./env";
import { decideFault, describeFault, FaultState, isNoFault } from "./faults";
import { HttpError, type RequestContext, readJson, Router, sendJson, sleep } from "./http";
import { type HeartbeatClient, type HeartbeatExtras, startHeartbeats } from "./resilience/heartbeat-client";
import { shutdownTelemetry } from "./telemetry";

/**
 * What every demo process shares: the node:http server, the business router with fault
 * injection in front of it, the admin endpoints (GET/PUT/DELETE /admin/faults, GET /healthz,
 * service-specific /admin/*), heartbeats to Breakwater every second (status from simple
 * checks), and a graceful stop on SIGTERM/SIGINT — or when the supervisor that spawned us goes
 * away — that tells Breakwater first, drains, then flushes the OTel SDK.
 */

export type HealthCheck = { name: string; status: CheckStatus; detail?: string };

/** Span attribute naming the fault injected into this request (absent when none was). */
export const FAULT_ATTRIBUTE = "demo.fault.injected";

/** fail → unhealthy, warn → degraded, otherwise healthy. */
export function statusFromChecks(checks: readonly HealthCheck[]): ReportedStatus {
  if (checks.some((check) => check.status === "fail")) return "unhealthy";
  if (checks.some((check) => check.status === "warn")) return "degraded";
  return "healthy";
}

/** The fault check: an instance told to misbehave says so (warn → degraded), so the dashboard shows why. */
export function faultCheck(spec: FaultSpec): HealthCheck {
  const detail = describeFault(spec);
  return detail ? { name: "fault-injection", status: "warn", detail } : { name: "fault-injection", status: "pass" };
}

export type ServiceRuntimeOptions = {
  env: ServiceEnv;
  log: Logger;
  /** Business endpoints: faults apply here. */
  routes: Router;
  /** Extra admin endpoints under /admin/ (no faults, no SERVER spans), e.g. the gateway's /admin/config. */
  adminRoutes?: Router;
  /** Checks of this process (computed per beat, synchronously: cache slow ones). */
  checks?: () => HealthCheck[];
  /** Breakers, lb counts, applied config for the beat. */
  heartbeatFields?: () => Pick<HeartbeatExtras, "breakers" | "lbCounts" | "appliedConfig">;
  onHeartbeatAcknowledged?: (sent: HeartbeatInput, response: HeartbeatResponse) => void;
  onHeartbeatFailed?: (sent: HeartbeatInput, error: Error) => void;
  /** Runs after the server has drained, before the SDK is flushed: close pools, stop watches. */
  onStop?: () => Promise<void>;
  /** How long in-flight requests may finish at shutdown. Default 3000 ms. */
  drainMs?: number;
};

export type ServiceRuntime = {
  port: number;
  address: string;
  faults: FaultState;
  heartbeats: HeartbeatClient;
  /** Send a heartbeat now (config applied, breaker transition). */
  beatNow(): void;
  /** Final beat (unhealthy: stopping), drain, onStop, flush telemetry. Idempotent. */
  stop(): Promise<void>;
};

export class ListenError extends Error {
  readonly code = "LISTEN_FAILED";
}

function displayHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new ListenError(`port ${port} on ${host} is already in use`)
          : new ListenError(`cannot listen on ${host}:${port}: ${error.message}`),
      );
    };
    server.once("error", onError);
    server.listen({ host, port }, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startServiceRuntime(options: ServiceRuntimeOptions): Promise<ServiceRuntime> {
  const { env, log } = options;
  const faults = new FaultState();
  const stopController = new AbortController();
  let stopping = false;
  // Heartbeats start once the port is known (the beat carries the address); until then a
  // request for an immediate beat has nothing to do.
  let beatNow: () => void = () => undefined;

  const checks = (): HealthCheck[] => {
    if (stopping) return [{ name: "lifecycle", status: "fail", detail: "shutting down" }];
    return [...(options.checks?.() ?? []), faultCheck(faults.get())];
  };

  const handleAdmin = async (ctx: RequestContext): Promise<void> => {
    if (ctx.path === "/admin/faults") {
      if (ctx.method === "GET") return sendJson(ctx.res, 200, faults.get());
      if (ctx.method === "PUT") {
        const spec = await readJson(ctx.req, faultSpecSchema);
        faults.set(spec);
        log.info(isNoFault(spec) ? "faults cleared" : "faults set", { faults: describeFault(spec) });
        beatNow();
        return sendJson(ctx.res, 200, spec);
      }
      if (ctx.method === "DELETE") {
        faults.reset();
        log.info("faults cleared");
        beatNow();
        return sendJson(ctx.res, 200, faults.get());
      }
      throw new HttpError(405, `${ctx.method} is not allowed on /admin/faults`, {}, { allow: "GET, PUT, DELETE" });
    }
    const match = options.adminRoutes?.match(ctx.method, ctx.path);
    if (match && "handler" in match) return match.handler({ ...ctx, params: match.params, route: match.route });
    throw new HttpError(404, `no admin endpoint ${ctx.method} ${ctx.path}`);
  };

  const handleBusiness = async (ctx: RequestContext): Promise<void> => {
    const match = options.routes.match(ctx.method, ctx.path);
    if (!match) throw new HttpError(404, `no route for ${ctx.method} ${ctx.path}`);
    if (!("handler" in match)) {
      throw new HttpError(405, `${ctx.method} is not allowed on ${ctx.path}`, {}, { allow: match.allowed.join(", ") });
    }
    const span = trace.getActiveSpan();
    span?.setAttribute("http.route", match.route);
    span?.updateName(`${ctx.method} ${match.route}`);

    // Faults come before the handler, as a misbehaving dependency of the process would.
    let decision = decideFault(faults.get());
    while (decision.kind === "hang") {
      span?.setAttribute(FAULT_ATTRIBUTE, "hang");
      if (!(await faults.waitWhileHung(ctx.signal))) return;
      decision = decideFault(faults.get());
    }
    if (decision.delayMs > 0) {
      span?.setAttribute(FAULT_ATTRIBUTE, "latency");
      if (!(await sleep(decision.delayMs, ctx.signal))) return;
    }
    if (decision.kind === "fail") {
      span?.setAttribute(FAULT_ATTRIBUTE, "error");
      return sendJson(ctx.res, decision.status, { error: "injected fault", instanceId: env.identity.instanceId });
    }
    await match.handler({ ...ctx, params: match.params, route: match.route });
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const requestController = new AbortController();
    const onStop = () => requestController.abort();
    stopController.signal.addEventListener("abort", onStop, { once: true });
    res.once("close", () => {
      stopController.signal.removeEventListener("abort", onStop);
      if (!res.writableFinished) requestController.abort();
    });
    const ctx: RequestContext = {
      req,
      res,
      method: (req.method ?? "GET").toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      params: {},
      route: url.pathname,
      signal: requestController.signal,
    };
    const run = async () => {
      if (ctx.path === "/healthz") {
        return sendJson(res, stopping ? 503 : 200, { status: statusFromChecks(checks()), ...env.identity });
      }
      if (ctx.path.startsWith("/admin/")) return handleAdmin(ctx);
      return handleBusiness(ctx);
    };
    run()
      .then(() => {
        // A handler that returned without answering (aborted caller): make sure nothing hangs.
        if (!res.headersSent && requestController.signal.aborted) res.destroy();
      })
      .catch((error: unknown) => {
        if (error instanceof HttpError) {
          return sendJson(res, error.status, { error: error.message, ...error.body }, error.headers);
        }
        log.error("request failed", {
          method: ctx.method,
          path: ctx.path,
          error: error instanceof Error ? error.message : String(error),
        });
        trace.getActiveSpan()?.recordException(error instanceof Error ? error : new Error(String(error)));
        sendJson(res, 500, { error: "internal error" });
      });
  });
  server.keepAliveTimeout = 5_000;

  const port = await listen(server, env.host, env.port ?? 0);
  const address = `http://${displayHost(env.host)}:${port}`;

  const client = startHeartbeats({
    breakwaterUrl: env.breakwaterUrl,
    token: env.token,
    intervalMs: env.heartbeatIntervalMs,
    ttlMs: env.heartbeatTtlMs,
    identity: { ...env.identity, address },
    collect: () => {
      const current = checks();
      return { status: statusFromChecks(current), checks: current, ...options.heartbeatFields?.() };
    },
    onAcknowledged: options.onHeartbeatAcknowledged,
    onFailed: options.onHeartbeatFailed,
    log,
  });
  beatNow = () => void client.beatNow().catch(() => undefined);
  log.info("listening", { address, service: env.identity.service, version: env.identity.version });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      // Tell Breakwater first, so discovery drops us before we stop answering.
      await Promise.race([client.beatNow().catch(() => undefined), sleep(1_000)]);
      await client.stop().catch(() => undefined);
      await closeServer(server, options.drainMs ?? 3_000);
      stopController.abort();
      try {
        await options.onStop?.();
      } catch (error) {
        log.warn("error while stopping", { error: error instanceof Error ? error.message : String(error) });
      }
      await shutdownTelemetry();
    })();
    return stopped;
  };

  return {
    port,
    address,
    faults,
    heartbeats: client,
    beatNow,
    stop,
  };
}

function closeServer(server: http.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    const timer = setTimeout(() => {
      clearInterval(sweeper);
      server.closeAllConnections();
      resolve();
    }, graceMs);
    server.close(() => {
      clearInterval(sweeper);
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export type ServiceSetup = { env: ServiceEnv; log: Logger };

/**
 * A demo process's entry point: parses its environment, runs `start`, and stops it cleanly on
 * SIGTERM / SIGINT or when the supervisor's IPC channel closes (the supervisor died: do not
 * linger as an orphan). A start-up failure prints one line and exits 1 so the supervisor
 * reports it.
 */
export function runService(start: (setup: ServiceSetup) => Promise<{ stop(): Promise<void> }>): void {
  let env: ServiceEnv;
  try {
    env = parseServiceEnv(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  // No name prefix: the supervisor prefixes every output line with the instance id.
  const log = createLogger({ level: env.logLevel });

  let running: { stop(): Promise<void> } | undefined;
  let stopping = false;
  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping", { why });
    // Whatever happens, do not outlive a stop request by much.
    setTimeout(() => process.exit(0), 10_000).unref();
    void (running?.stop() ?? Promise.resolve()).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error("error while stopping", { error: error instanceof Error ? error.message : String(error) });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  if (process.channel) {
    // The IPC channel only tells us when the supervisor is gone; it must not keep us alive.
    process.channel.unref();
    process.on("disconnect", () => shutdown("supervisor gone"));
  }

  start({ env, log }).then(
    (handle) => {
      running = handle;
      if (stopping) void handle.stop().then(() => process.exit(0));
    },
    (error: unknown) => {
      log.error(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
      void shutdownTelemetry(1_000).then(() => process.exit(1));
    },
  );
}
