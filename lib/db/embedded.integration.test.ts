/**
 * The one test of the embedded PostgreSQL path that CI runs; it starts its own servers, so it
 * is independent of DATABASE_URL:
 *   npx vitest run --project integration lib/db/embedded.integration.test.ts
 */
import { spawn } from "node:child_process";
import { chmod, mkdtemp, readdir, readFile, readlink, realpath, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedPostgresError, findFreePort, startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** PIDs of PostgreSQL processes (postmaster and its workers) working in `dataDir` (their cwd). */
async function postgresProcessesIn(dataDir: string): Promise<number[]> {
  const target = await realpath(dataDir).catch(() => dataDir);
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [exe, cwd] = await Promise.all([readlink(`/proc/${entry}/exe`), readlink(`/proc/${entry}/cwd`)]);
      if (path.basename(exe) === "postgres" && cwd === target) pids.push(Number(entry));
    } catch {
      // process gone, or not ours to inspect
    }
  }
  return pids;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

/** Runs a child process that starts an embedded PostgreSQL in `dataDir`, prints the URL, then waits. */
function startChild(
  dataDir: string,
  port: number,
): { pid: Promise<number>; url: Promise<string>; exited: Promise<number | null> } {
  const script = `
    import { startEmbeddedPostgres } from ${JSON.stringify(path.join(repoRoot, "lib/db/embedded.ts"))};
    const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, log: () => {} });
    console.log("URL " + server.url);
    setInterval(() => {}, 1000);
  `;
  const child = spawn(path.join(repoRoot, "node_modules/.bin/node"), ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /URL (\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`child exited (${code}) before starting: ${output}`)));
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))),
  );
  return { pid: Promise.resolve(child.pid!), url, exited };
}

describe("embedded PostgreSQL", () => {
  let root: string;
  const servers: EmbeddedPostgres[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "breakwater-embedded-"));
    // As root, PostgreSQL runs as user postgres and must be able to enter the directory.
    await chmod(root, 0o755);
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await rm(root, { recursive: true, force: true });
  });

  it("starts on a free port, keeps data across a restart, and leaves no processes behind", async () => {
    const dataDir = path.join(root, "keep");
    const port = await findFreePort();
    const first = await startEmbeddedPostgres({ dataDir, port, log: () => {} });
    servers.push(first);
    expect(first.url).toMatch(new RegExp(`^postgresql://postgres:[^@]+@127\\.0\\.0\\.1:${port}/breakwater$`));
    expect((await postgresProcessesIn(dataDir)).length).toBeGreaterThan(1); // postmaster + workers
    await query(first.url, "CREATE TABLE kept (id int PRIMARY KEY, note text); INSERT INTO kept VALUES (1, 'survives restarts')");
    const [{ version }] = await query<{ version: string }>(first.url, "SELECT current_setting('server_version_num') AS version");
    expect(Number(version)).toBeGreaterThanOrEqual(150000);
    await first.stop();
    expect(await postgresProcessesIn(dataDir)).toEqual([]);
    await expect(query(first.url, "SELECT 1")).rejects.toThrow(/ECONNREFUSED/);
    await first.stop(); // idempotent

    const second = await startEmbeddedPostgres({ dataDir, port, log: () => {} });
    servers.push(second);
    expect(second.url).toBe(first.url); // same password, port and database
    expect(await query(second.url, "SELECT id, note FROM kept")).toEqual([{ id: 1, note: "survives restarts" }]);
    await second.stop();
    expect(await postgresProcessesIn(dataDir)).toEqual([]);
  });

  it("refuses a port in use with one clear line naming the port and the variable", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = path.join(root, "busy");
    try {
      const error = await startEmbeddedPostgres({ dataDir, port, log: () => {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EmbeddedPostgresError);
      expect((error as EmbeddedPostgresError).code).toBe("PORT_IN_USE");
      const message = (error as Error).message;
      expect(message).toContain(`Port ${port}`);
      expect(message).toContain("BREAKWATER_EMBEDDED_PG_PORT");
      expect(message).not.toContain("\n");
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    expect(await postgresProcessesIn(dataDir)).toEqual([]);
  });

  it("starts over a stale postmaster.pid left by a crash", async () => {
    const dataDir = path.join(root, "stale");
    const server = await startEmbeddedPostgres({ dataDir, port: 0, log: () => {} });
    servers.push(server);
    await server.stop();
    // A PID that is not running (PID numbers are < 2^22 on Linux).
    await writeFile(path.join(dataDir, "postmaster.pid"), `4999999\n${dataDir}\n0\n0\n\n127.0.0.1\n0 0\nready\n`);
    const notices: string[] = [];
    const again = await startEmbeddedPostgres({ dataDir, port: 0, log: (line) => notices.push(line) });
    servers.push(again);
    expect(notices.some((line) => line.includes("removed stale"))).toBe(true);
    expect(await query(again.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    await again.stop();
  });

  it("stops PostgreSQL when its process gets SIGTERM, and recovers a server orphaned by SIGKILL", async () => {
    const dataDir = path.join(root, "signals");
    const port = await findFreePort();

    // SIGTERM with no handler of the app's own: postgres is stopped, then the process exits.
    const first = startChild(dataDir, port);
    expect(await query(await first.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    process.kill(await first.pid, "SIGTERM");
    await first.exited;
    expect(await waitFor(async () => (await postgresProcessesIn(dataDir)).length === 0, 10_000)).toBe(true);

    // SIGKILL: nothing can run, so postgres is orphaned...
    const second = startChild(dataDir, port);
    const url = await second.url;
    await query(url, "CREATE TABLE IF NOT EXISTS t (x int); INSERT INTO t VALUES (42)");
    process.kill(await second.pid, "SIGKILL");
    await second.exited;
    const orphans = await postgresProcessesIn(dataDir);
    expect(orphans.length).toBeGreaterThan(0);
    const postmasterPid = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
    expect(orphans).toContain(postmasterPid);

    // ...and the next start stops the orphan and takes over the same data.
    const notices: string[] = [];
    const server = await startEmbeddedPostgres({ dataDir, port, log: (line) => notices.push(line) });
    servers.push(server);
    expect(notices.some((line) => line.includes("left behind"))).toBe(true);
    expect(await query(server.url, "SELECT x FROM t")).toEqual([{ x: 42 }]);
    expect(await postgresProcessesIn(dataDir)).not.toContain(postmasterPid);
    await server.stop();
    expect(await postgresProcessesIn(dataDir)).toEqual([]);
  });
});
