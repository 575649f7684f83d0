/**
 * The Breakwater process: OTLP receivers + batch writer + Next.js, in one process by default.
 *
 *   npm run dev                 → tsx lib/server/main.ts --dev   (Next.js dev mode)
 *   tsx lib/server/main.ts      → production (after `next build`)
 *   npm start (lib/cli/start.ts) → embedded PostgreSQL, then startServer() in-process
 *
 * DATABASE_URL must be set by the caller; migrations are applied at start so this file runs
 * on its own too. BREAKWATER_ROLE picks what runs: `ingest` (OTLP/HTTP :4318 + OTLP/gRPC
 * :4317 + partition maintenance + the coarse rollups), `ui` (Next.js on PORT) or `all` (both,
 * and OTLP/HTTP also at <web>/v1/traces, answered before Next.js sees the request).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { formatUserSyncNotice, syncUsers } from "@/lib/auth/sync-users";
import { startDiscoveryChanges, stopDiscoveryChanges } from "@/lib/control/discovery-changes";
import { startRegistrySweeper } from "@/lib/control/registry-sweeper";
import { migrate } from "@/lib/db/migrate";
import { closeDb, getPool } from "@/lib/db/pool";
import { ConfigError, type Env, getEnv } from "@/lib/env";
import { startOtlpGrpcReceiver, GrpcBindError, type OtlpGrpcReceiver } from "@/lib/ingest/grpc-receiver";
import { createOtlpHttpHandler, type OtlpHttpHandler } from "@/lib/ingest/http-receiver";
import { getSpanWriterOptions, SpanWriter } from "@/lib/ingest/span-writer";
import { NON_DOCUMENT_CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from "@/lib/http/security-headers";
import { startCoarseRollups } from "@/lib/rollups/start-coarse-rollups";
import { createLogger, type Logger } from "./logger";
import { type Maintenance, startMaintenance } from "./maintenance";

export type ServerRole = Env["BREAKWATER_ROLE"];

export type StartServerOptions = {
  /** Next.js dev mode (HMR, on-demand compilation). Default false: serve the `next build` output. */
  dev?: boolean;
  /** The Next.js project directory. Default: the repository root. */
  dir?: string;
  /** Configuration. Default: getEnv() (process.env). */
  env?: Env;
  /** Default: env.BREAKWATER_ROLE. */
  role?: ServerRole;
  /** Interface to listen on. Default: env.BREAKWATER_HOST. */
  host?: string;
  /** Ports; 0 = any free port (see the handle's `ports`). Default: PORT, BREAKWATER_OTLP_HTTP_PORT, BREAKWATER_OTLP_GRPC_PORT. */
  ports?: { web?: number; otlpHttp?: number; otlpGrpc?: number };
  /**
   * Whether the web port runs Next.js. Default true. With false, the web port still answers
   * /v1/* (role all) and 404 elsewhere — for tests that do not need pages.
   */
  next?: boolean;
  /** The database pool. Default: getPool() (DATABASE_URL), closed by close(). A given pool is left open. */
  pool?: pg.Pool;
  /** Apply migrations at start. Default true. */
  migrate?: boolean;
  /** Partition maintenance and the coarse rollups (ingest roles). Default true when the role ingests. */
  maintenance?: boolean;
  /**
   * The control plane's background work (roles all/ui): the registry sweeper (TTL expiry,
   * deregistration, pruning) and the discovery change listener. Default true.
   */
  controlPlane?: boolean;
  /** Default: a logger at env.LOG_LEVEL. */
  log?: Logger;
  /** Print the URLs banner. Default true. */
  banner?: boolean;
  /** How long close() lets in-flight requests finish before cutting connections. Default 10 s. */
  shutdownGraceMs?: number;
};

export type ServerHandle = {
  role: ServerRole;
  /** Bound ports of the listeners that run (undefined = not started in this role). */
  ports: { web?: number; otlpHttp?: number; otlpGrpc?: number };
  urls: {
    /** The web app (Next.js), role all/ui. */
    web?: string;
    /** OTLP/HTTP base URL — what OTEL_EXPORTER_OTLP_ENDPOINT should be for http/protobuf or http/json. */
    otlpHttp?: string;
    /** OTLP/gRPC endpoint (http://host:port), for OTEL_EXPORTER_OTLP_PROTOCOL=grpc. */
    otlpGrpc?: string;
  };
  /** The span writer (ingest roles), e.g. for tests that want its counters. */
  writer?: SpanWriter;
  /** Stops accepting, drains the writer, closes servers (and the pool when it was ours). Idempotent. */
  close(): Promise<void>;
};

/** A port is taken: the message names the port and the variable that changes it. */
export class PortInUseError extends Error {
  readonly code = "PORT_IN_USE";
  constructor(
    readonly port: number,
    readonly envVar: string,
    readonly listener: string,
  ) {
    super(`${listener} port ${port} is already in use; stop the other process or set ${envVar} to a free port`);
    this.name = "PortInUseError";
  }
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function displayHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

function listen(server: http.Server, host: string, port: number, listener: string, envVar: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port, envVar, listener) : error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen({ host, port });
  });
}

/** Sockets taken over by an upgrade (Next.js dev HMR websockets), per server: closed at shutdown. */
const upgradedSockets = new WeakMap<http.Server, Set<Duplex>>();

function trackUpgrades(server: http.Server): void {
  const sockets = new Set<Duplex>();
  upgradedSockets.set(server, sockets);
  server.on("upgrade", (_req: http.IncomingMessage, socket: Duplex) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
}

/**
 * Stops accepting, closes idle keep-alive connections, lets in-flight requests finish for up
 * to `graceMs`, then cuts what is left. Never waits longer than that: upgraded sockets (Next.js
 * dev HMR) are not HTTP connections and would otherwise hold close() open.
 */
function closeHttpServer(server: http.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    for (const socket of upgradedSockets.get(server) ?? []) socket.destroy();
    // A keep-alive connection whose request finishes after close() was called turns idle
    // later; close those as they appear instead of waiting for the keep-alive timeout.
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    const timer = setTimeout(() => {
      clearInterval(sweeper);
      server.closeAllConnections();
      resolve();
    }, graceMs);
    timer.unref();
    server.close(() => {
      clearInterval(sweeper);
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * What this server answers itself (OTLP/HTTP, its 404 and 500) carries the headers Next.js
 * gives its own responses (next.config.ts), set before the handler writes its head.
 */
function withSecurityHeaders(handler: http.RequestListener): http.RequestListener {
  return (req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader("Content-Security-Policy", NON_DOCUMENT_CONTENT_SECURITY_POLICY);
    return handler(req, res);
  };
}

const notFound: http.RequestListener = (_req, res) => {
  res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
  res.end("Not found\n");
};

export async function startServer(options: StartServerOptions = {}): Promise<ServerHandle> {
  const env = options.env ?? getEnv();
  const role = options.role ?? env.BREAKWATER_ROLE;
  const host = options.host ?? env.BREAKWATER_HOST;
  const log = options.log ?? createLogger({ level: env.LOG_LEVEL, name: "breakwater" });
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const ingests = role === "all" || role === "ingest";
  const servesUi = role === "all" || role === "ui";
  const useNext = servesUi && options.next !== false;
  const ownsPool = options.pool === undefined;
  const pool = options.pool ?? getPool();

  // Everything started so far, stopped in reverse order if a later step fails.
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        log.warn("error while stopping", { error: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  if (ownsPool) stops.push(() => closeDb());

  const ports: ServerHandle["ports"] = {};
  const urls: ServerHandle["urls"] = {};
  let writer: SpanWriter | undefined;

  try {
    if (options.migrate !== false) {
      const { applied } = await migrate(pool, { log: (message) => log.info(message) });
      if (applied.length > 0) log.info("migrations applied", { applied: applied.join(",") });
    }

    let otlpHandler: OtlpHttpHandler | undefined;
    if (ingests) {
      const spanWriter = new SpanWriter(pool, { ...getSpanWriterOptions(env), logger: log });
      spanWriter.start();
      writer = spanWriter;
      // Runs after the listeners are closed (stops run in reverse): drains what they accepted.
      stops.push(() => spanWriter.close());

      if (options.maintenance !== false) {
        const maintenance: Maintenance = startMaintenance({ pool, env, log });
        stops.push(() => maintenance.stop());
        // Its own timer: partition maintenance can spend minutes rebuilding an hour's
        // indexes, and the coarse rollups should trail now by minutes at most.
        const coarseRollups = startCoarseRollups({ pool, log });
        stops.push(() => coarseRollups.stop());
      }

      otlpHandler = createOtlpHttpHandler({ writer: spanWriter, env, log });
      const otlpServer = http.createServer(withSecurityHeaders(otlpHandler));
      ports.otlpHttp = await listen(
        otlpServer,
        host,
        options.ports?.otlpHttp ?? env.BREAKWATER_OTLP_HTTP_PORT,
        "OTLP/HTTP",
        "BREAKWATER_OTLP_HTTP_PORT",
      );
      stops.push(() => closeHttpServer(otlpServer, graceMs));
      urls.otlpHttp = `http://${displayHost(host)}:${ports.otlpHttp}`;

      const grpcPort = options.ports?.otlpGrpc ?? env.BREAKWATER_OTLP_GRPC_PORT;
      let grpcReceiver: OtlpGrpcReceiver;
      try {
        grpcReceiver = await startOtlpGrpcReceiver({ writer: spanWriter, env, log }, { host, port: grpcPort });
      } catch (error) {
        if (error instanceof GrpcBindError && error.isAddressInUse)
          throw new PortInUseError(grpcPort, "BREAKWATER_OTLP_GRPC_PORT", "OTLP/gRPC");
        throw error;
      }
      stops.push(() => grpcReceiver.close(graceMs));
      ports.otlpGrpc = grpcReceiver.port;
      urls.otlpGrpc = `http://${displayHost(host)}:${ports.otlpGrpc}`;
    }

    if (servesUi) {
      // Dashboard users from BREAKWATER_USERS (or the generated admin) before the first sign-in.
      const notice = formatUserSyncNotice(await syncUsers(env.BREAKWATER_USERS, pool));
      if (notice !== undefined) process.stdout.write(notice);
      if (options.controlPlane !== false) {
        // Pushed before the web server's stop, so they stop after it: held discovery polls
        // keep their listener until the server has let them finish.
        startDiscoveryChanges({ pool, log });
        stops.push(() => stopDiscoveryChanges());
      }
      const webServer = http.createServer();
      trackUpgrades(webServer);
      let nextHandler: http.RequestListener = withSecurityHeaders(notFound);
      if (useNext) {
        const { default: createNext } = await import("next");
        const app = createNext({
          dev: options.dev ?? false,
          dir: options.dir ?? repoRoot,
          hostname: host,
          httpServer: webServer,
        });
        await app.prepare();
        stops.push(() => app.close());
        const handle = app.getRequestHandler();
        nextHandler = (req, res) => {
          handle(req, res).catch((error: unknown) => {
            log.error("next.js request failed", { path: req.url, error: error instanceof Error ? error.message : String(error) });
            if (!res.headersSent) {
              res.writeHead(500, {
                ...SECURITY_HEADERS,
                "content-security-policy": NON_DOCUMENT_CONTENT_SECURITY_POLICY,
                "content-type": "text/plain; charset=utf-8",
              });
              res.end("Internal server error\n");
            }
          });
        };
      }
      // /v1/* is OTLP (when this process ingests), answered before Next.js sees it.
      const handlerForOtlp = otlpHandler && withSecurityHeaders(otlpHandler);
      webServer.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
        if (handlerForOtlp && req.url?.startsWith("/v1/")) handlerForOtlp(req, res);
        else nextHandler(req, res);
      });
      const webPort = options.ports?.web ?? env.PORT;
      ports.web = await listen(webServer, host, webPort, "Web", "PORT");
      stops.push(() => closeHttpServer(webServer, graceMs));
      urls.web = `http://${displayHost(host)}:${ports.web}`;
      if (options.controlPlane !== false) {
        // Started once heartbeats can arrive, and pushed after the web server's stop so it stops
        // first: while the server drains, heartbeats are refused, and a sweeper still running
        // would expire every instance and hand the held discovery polls an empty registry.
        const sweeper = startRegistrySweeper({ pool, env, log });
        stops.push(() => sweeper.stop());
      }
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  if (options.banner !== false) printBanner(role, urls);

  let closing: Promise<void> | undefined;
  return {
    role,
    ports,
    urls,
    writer,
    close() {
      closing ??= stopAll();
      return closing;
    },
  };
}

function printBanner(role: ServerRole, urls: ServerHandle["urls"]): void {
  const lines = [`Breakwater is running (role: ${role})`];
  if (urls.web) lines.push(`  Web UI:     ${urls.web}`);
  if (urls.otlpHttp) {
    const alsoWeb = urls.web ? ` (also ${urls.web}/v1/traces)` : "";
    lines.push(`  OTLP/HTTP:  ${urls.otlpHttp}/v1/traces${alsoWeb}`);
  }
  if (urls.otlpGrpc) lines.push(`  OTLP/gRPC:  ${urls.otlpGrpc.replace(/^http:\/\//, "")}`);
  if (urls.otlpHttp) {
    lines.push("  Send traces from an OpenTelemetry SDK with:");
    lines.push(`    OTEL_EXPORTER_OTLP_ENDPOINT=${urls.otlpHttp}   (http/protobuf, the SDK default for HTTP)`);
  }
  if (urls.otlpGrpc) lines.push(`    OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=${urls.otlpGrpc}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** CLI entry: `tsx lib/server/main.ts [--dev]`. */
async function main(argv: string[]): Promise<void> {
  const dev = argv.includes("--dev");
  // Next.js reads NODE_ENV when it is first imported; set it before that (the one env
  // variable written here, as `next dev` / `next start` do).
  if (!process.env.NODE_ENV) Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });

  let env: Env;
  try {
    env = getEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`breakwater: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  let handle: ServerHandle;
  try {
    handle = await startServer({ dev, env });
  } catch (error) {
    process.stderr.write(`breakwater: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`breakwater: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`breakwater: ${signal} received, shutting down…\n`);
    handle.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(
          `breakwater: error while shutting down: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

const isEntryPoint = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  void main(process.argv.slice(2));
}
