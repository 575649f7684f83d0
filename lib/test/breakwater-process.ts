/**
 * Breakwater as a real child process for system-level integration tests (the demo shop and,
 * later, traffic control): `lib/server/main.ts` in production mode, on free ports, against a
 * given database URL — so a test can stop it (the outage a gateway must survive) and start it
 * again on the same ports.
 *
 * Production mode needs the `next build` output; ensureNextBuild() makes it when it is stale
 * (npm test builds before the vitest phase, so there it is a hash check).
 */
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { isBuildCurrent, recordBuild } from "@/lib/cli/build-state";
import { repoRoot, runBin } from "@/lib/cli/run";

export type BreakwaterProcess = {
  /** Web app + JSON API, e.g. http://127.0.0.1:41234 */
  webUrl: string;
  /** OTLP/HTTP base URL (what OTEL_EXPORTER_OTLP_ENDPOINT should be). */
  otlpHttpUrl: string;
  ports: { web: number; otlpHttp: number; otlpGrpc: number };
  /** Output so far (stdout + stderr), for assertions and for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s. Resolves when the process is gone. Idempotent. */
  stop(): Promise<void>;
};

/** A port that was free a moment ago. */
export async function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let building: Promise<void> | undefined;

/** Runs `next build` when the sources changed since the last build; once per test process. */
export function ensureNextBuild(): Promise<void> {
  building ??= (async () => {
    if (isBuildCurrent(repoRoot)) return;
    const code = await runBin(repoRoot, "next", ["build"], { ...process.env, NODE_ENV: "production" });
    if (code !== 0) throw new Error(`next build failed with exit code ${code}`);
    recordBuild(repoRoot);
  })();
  return building;
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Breakwater exited during start-up (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/api/v1/info`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Breakwater did not answer ${url}/api/v1/info within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts Breakwater (role all) on the given or free ports. `env` adds to (and overrides) the
 * child's environment; DATABASE_URL is required.
 */
export async function startBreakwaterProcess(options: {
  databaseUrl: string;
  ports?: { web: number; otlpHttp: number; otlpGrpc: number };
  env?: Record<string, string>;
  startTimeoutMs?: number;
}): Promise<BreakwaterProcess> {
  await ensureNextBuild();
  const ports = options.ports ?? { web: await getFreePort(), otlpHttp: await getFreePort(), otlpGrpc: await getFreePort() };
  let log = "";
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), path.join(repoRoot, "lib/server/main.ts")],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: options.databaseUrl,
        BREAKWATER_HOST: "127.0.0.1",
        PORT: String(ports.web),
        BREAKWATER_OTLP_HTTP_PORT: String(ports.otlpHttp),
        BREAKWATER_OTLP_GRPC_PORT: String(ports.otlpGrpc),
        LOG_LEVEL: "warn",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const append = (chunk: Buffer) => {
    log += chunk.toString("utf8");
    // Keep the tail only: a long test must not grow this without bound.
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const webUrl = `http://127.0.0.1:${ports.web}`;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  try {
    await waitUntilReady(webUrl, child, () => log, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { webUrl, otlpHttpUrl: `http://127.0.0.1:${ports.otlpHttp}`, ports, output: () => log, stop };
}
