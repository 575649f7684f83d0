import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BodyReadError, createBodyBudget, getSharedBodyBudget, parseContentEncoding, readBody } from "./read-body";

// A real loopback server whose handler reads the body with a 1 MiB limit and answers
// with the status the error maps to (or 200 + the body's sha-free length).
const LIMIT = 1024 * 1024;
let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    // `?limit=N` lets one test use a larger limit than the default 1 MiB.
    const limitBytes = Number(new URL(req.url ?? "/", "http://x").searchParams.get("limit") ?? LIMIT);
    readBody(req, { limitBytes }).then(
      (body) => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(`${body.length}:${body.subarray(0, 16).toString("latin1")}`);
      },
      (error: unknown) => {
        const status = error instanceof BodyReadError ? error.httpStatus : 500;
        res.writeHead(status, { "content-type": "text/plain" });
        res.end(error instanceof Error ? error.message : "error");
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

type Reply = { status: number; body: string };

/** Sends a request; `write` drives the body (and may choose not to end it). */
function send(headers: http.OutgoingHttpHeaders, write: (req: http.ClientRequest) => void, path = "/"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (chunk: Buffer) => parts.push(chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() });
        req.destroy();
      });
    });
    // The server may close the connection while we still write: that is fine once it answered.
    req.on("error", (error) => reject(error));
    write(req);
  });
}

function gzipOfZeros(totalBytes: number): Buffer {
  // Concatenated gzip members are one valid gzip stream (RFC 1952 §2.2): 1024 copies of
  // gzip(1 MiB of zeros) inflate to 1 GiB while the body stays around 1 MiB.
  const member = zlib.gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
  return Buffer.concat(Array.from({ length: Math.ceil(totalBytes / (1024 * 1024)) }, () => member));
}

describe("parseContentEncoding", () => {
  it("accepts none, identity and gzip, and refuses the rest", () => {
    expect(parseContentEncoding(undefined)).toBe("identity");
    expect(parseContentEncoding("identity")).toBe("identity");
    expect(parseContentEncoding("GZIP")).toBe("gzip");
    expect(parseContentEncoding("x-gzip")).toBe("gzip");
    expect(parseContentEncoding("gzip, identity")).toBe("gzip");
    expect(parseContentEncoding("br")).toBeUndefined();
    expect(parseContentEncoding("gzip, gzip")).toBeUndefined();
    expect(parseContentEncoding("deflate")).toBeUndefined();
  });
});

describe("readBody", () => {
  it("returns a plain body", async () => {
    const reply = await send({}, (req) => req.end("hello"));
    expect(reply).toEqual({ status: 200, body: "5:hello" });
  });

  it("inflates a gzip body", async () => {
    const plain = Buffer.from("x".repeat(500_000));
    const reply = await send({ "content-encoding": "gzip" }, (req) => req.end(zlib.gzipSync(plain)));
    expect(reply).toEqual({ status: 200, body: `500000:${"x".repeat(16)}` });
  });

  it("accepts a body of exactly the limit", async () => {
    const reply = await send({ "content-length": LIMIT }, (req) => req.end(Buffer.alloc(LIMIT, 0x61)));
    expect(reply.status).toBe(200);
    expect(reply.body.startsWith(`${LIMIT}:`)).toBe(true);
  });

  it("answers 413 from Content-Length alone, before the body is sent", async () => {
    // Only the headers go out: the answer must come without the body.
    const reply = await send({ "content-length": LIMIT + 1 }, (req) => req.flushHeaders());
    expect(reply.status).toBe(413);
  });

  it("answers 413 as soon as a chunked body passes the limit, without waiting for its end", async () => {
    const reply = await send({ "transfer-encoding": "chunked" }, (req) => {
      req.write(Buffer.alloc(LIMIT / 2));
      req.write(Buffer.alloc(LIMIT / 2 + 1));
      // never ended: a server waiting for the end would time out the test
    });
    expect(reply.status).toBe(413);
  });

  it("answers 413 to a chunked body that keeps streaming, and the client reads the answer", async () => {
    // 6 MiB in 64 KiB chunks, written as fast as the socket takes them.
    const reply = await send({ "transfer-encoding": "chunked" }, (req) => {
      let left = 96;
      const pump = () => {
        while (left > 0) {
          left--;
          if (!req.write(Buffer.alloc(64 * 1024, 1))) return void req.once("drain", pump);
        }
        req.end();
      };
      req.on("error", () => {});
      pump();
    });
    expect(reply.status).toBe(413);
  });

  it("stops a gzip bomb while inflating: 1 GiB of zeros → 413 quickly, memory stays low", async () => {
    const bomb = gzipOfZeros(1024 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    // The limit (4 MiB) is above the compressed size, so only inflating can trip it.
    const reply = await send(
      { "content-encoding": "gzip", "content-length": bomb.length },
      (req) => {
        req.on("error", () => {});
        req.end(bomb);
      },
      `/?limit=${4 * 1024 * 1024}`,
    );
    const elapsedMs = performance.now() - started;
    expect(reply.status).toBe(413);
    expect(reply.body).toContain("inflates to more than the limit of 4194304 bytes");
    expect(elapsedMs).toBeLessThan(3_000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it("answers 415 to an unknown Content-Encoding", async () => {
    const reply = await send({ "content-encoding": "br" }, (req) => req.end("abc"));
    expect(reply.status).toBe(415);
    expect(reply.body).toContain("br");
  });

  it("answers 400 to a corrupt gzip body", async () => {
    const reply = await send({ "content-encoding": "gzip" }, (req) => req.end("this is not gzip at all"));
    expect(reply.status).toBe(400);
  });

  it("answers 400 to a truncated gzip body", async () => {
    const whole = zlib.gzipSync(Buffer.from("y".repeat(10_000)));
    const reply = await send({ "content-encoding": "gzip" }, (req) => req.end(whole.subarray(0, whole.length - 6)));
    expect(reply.status).toBe(400);
  });

  it("serves a keep-alive connection again after a 413", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/", agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end(body);
      });
    expect(await post(Buffer.alloc(LIMIT + 10))).toBe(413);
    expect(await post(Buffer.from("ok"))).toBe(200);
    agent.destroy();
  });
});

describe("createBodyBudget", () => {
  it("grows leases up to the limit, refuses growth past it, and frees bytes on release", () => {
    const budget = createBodyBudget(100);
    const a = budget.lease();
    const b = budget.lease();
    expect(a.growTo(60)).toBe(true);
    expect(b.growTo(40)).toBe(true);
    expect(budget.usedBytes()).toBe(100);
    expect(budget.isExhausted()).toBe(true);
    expect(b.growTo(41)).toBe(false); // unchanged on refusal
    expect(b.bytes).toBe(40);
    expect(a.growTo(50)).toBe(true); // shrinking is a no-op
    expect(a.bytes).toBe(60);
    a.release();
    a.release(); // idempotent
    expect(budget.usedBytes()).toBe(40);
    expect(b.growTo(100)).toBe(true);
    expect(a.growTo(1)).toBe(false); // released leases stay empty
    b.release();
    expect(budget.usedBytes()).toBe(0);
  });

  it("lets one lease alone pass the limit, so a body over it is not refused forever", () => {
    const budget = createBodyBudget(100);
    const alone = budget.lease();
    expect(alone.growTo(250)).toBe(true);
    const other = budget.lease();
    expect(other.growTo(1)).toBe(false);
    alone.release();
    expect(other.growTo(1)).toBe(true);
  });

  it("shares one budget per limit across the process", () => {
    expect(getSharedBodyBudget(12345)).toBe(getSharedBodyBudget(12345));
    expect(getSharedBodyBudget(12345)).not.toBe(getSharedBodyBudget(12346));
  });
});

describe("readBody with a budget lease", () => {
  it("stops reading with OVERLOADED (429) once the body would pass the budget, and frees nothing it does not hold", async () => {
    const budget = createBodyBudget(64 * 1024);
    const held = budget.lease();
    expect(held.growTo(48 * 1024)).toBe(true);
    const budgetServer = http.createServer((req, res) => {
      const lease = budget.lease();
      readBody(req, { limitBytes: LIMIT, lease })
        .then(
          (body) => {
            res.writeHead(200);
            res.end(String(body.length));
          },
          (error: unknown) => {
            res.writeHead(error instanceof BodyReadError ? error.httpStatus : 500);
            res.end(error instanceof BodyReadError ? error.code : "error");
          },
        )
        .finally(() => lease.release());
    });
    await new Promise<void>((resolve) => budgetServer.listen(0, "127.0.0.1", resolve));
    const budgetPort = (budgetServer.address() as AddressInfo).port;
    const post = (body: Buffer) =>
      new Promise<Reply>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port: budgetPort, method: "POST", agent: false }, (res) => {
          const parts: Buffer[] = [];
          res.on("data", (chunk: Buffer) => parts.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }));
        });
        req.on("error", reject);
        req.end(body);
      });
    try {
      expect(await post(Buffer.alloc(8 * 1024))).toEqual({ status: 200, body: String(8 * 1024) });
      expect(await post(Buffer.alloc(32 * 1024))).toEqual({ status: 429, body: "OVERLOADED" });
      expect(budget.usedBytes()).toBe(48 * 1024); // the refused request's lease was released
      held.release();
      expect(await post(Buffer.alloc(32 * 1024))).toEqual({ status: 200, body: String(32 * 1024) });
      expect(budget.usedBytes()).toBe(0);
    } finally {
      budgetServer.closeAllConnections();
      await new Promise((resolve) => budgetServer.close(resolve));
    }
  });
});
