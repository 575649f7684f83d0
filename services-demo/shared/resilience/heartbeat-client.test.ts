import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type HeartbeatInput, heartbeatSchema } from "../../../lib/control/contract";
import { type HeartbeatClient, type HeartbeatOptions, startHeartbeats } from "./heartbeat-client";
import { createUpstreamPool } from "./upstream-pool";

async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

type Answer = { status: number; body?: unknown; delayMs?: number };

/** Plays Breakwater's POST /api/v1/heartbeats; `answers` are used in order, then 200 accepted. */
async function startFakeBreakwater() {
  const beats: { body: HeartbeatInput; authorization?: string; receivedAt: number }[] = [];
  let answers: Answer[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString()));
    req.on("end", () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      beats.push({ body: JSON.parse(text) as HeartbeatInput, authorization: req.headers.authorization, receivedAt: Date.now() });
      const answer = answers.shift() ?? { status: 200, body: { accepted: true, status: "healthy" } };
      setTimeout(() => {
        inFlight--;
        res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body ?? {}));
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const fake = {
    url: `http://127.0.0.1:${port}`,
    beats,
    maxInFlight: () => maxInFlight,
    answer(next: Answer[]) {
      answers = next;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    start: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
  };
  cleanups.push(() => fake.stop().catch(() => {}));
  return fake;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const identity = { service: "gateway", instanceId: "gateway-1", version: "v1", address: "http://127.0.0.1:8100" };

const start = (options: Omit<HeartbeatOptions, "identity"> & Partial<Pick<HeartbeatOptions, "identity">>): HeartbeatClient => {
  const client = startHeartbeats({ identity, ...options });
  cleanups.push(() => client.stop());
  return client;
};

describe("startHeartbeats", () => {
  it("queues a beatNow() made while a beat is being collected instead of nesting a second beat", async () => {
    const fake = await startFakeBreakwater();
    let client: HeartbeatClient | undefined;
    let collecting = 0;
    let nested = 0;
    const acknowledged: number[] = [];
    client = start({
      breakwaterUrl: fake.url,
      intervalMs: 60_000,
      collect: () => {
        collecting++;
        if (collecting > 1) nested++;
        // What a breaker transition fired while reporting does (orders/gateway call beatNow).
        void client?.beatNow();
        collecting--;
        return { status: "healthy" };
      },
      onAcknowledged: (body) => acknowledged.push(body.sequence),
    });
    await waitFor(() => acknowledged.length >= 2, "the first beat and the one queued behind it");
    expect(nested).toBe(0);
    expect(fake.maxInFlight()).toBe(1);
    // One queued beat per beat in flight, not a pile-up: each beat requests exactly one more.
    expect(acknowledged.slice(0, 2)).toEqual([0, 1]);
    client = undefined;
  });

  it("beats right away and then every interval, with a growing sequence, identity, ttl and token", async () => {
    const fake = await startFakeBreakwater();
    const client = start({
      breakwaterUrl: fake.url,
      token: "machine",
      intervalMs: 50,
      ttlMs: 2_000,
      collect: () => ({ status: "healthy", checks: [{ name: "db", status: "pass" }] }),
    });
    await waitFor(() => fake.beats.length >= 4, "four beats");
    const bodies = fake.beats.map((beat) => heartbeatSchema.parse(beat.body));
    expect(bodies.map((body) => body.sequence).slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(bodies[0]).toMatchObject({ ...identity, status: "healthy", ttlMs: 2_000, checks: [{ name: "db", status: "pass" }] });
    expect(fake.beats.every((beat) => beat.authorization === "Bearer machine")).toBe(true);
    for (let i = 1; i < bodies.length; i++) {
      expect(Date.parse(bodies[i].sentAt)).toBeGreaterThanOrEqual(Date.parse(bodies[i - 1].sentAt));
    }
    expect(client.lastResponse()).toEqual({ accepted: true, status: "healthy" });
  });

  it("beatNow coalesces: at most one beat in flight and one queued, however many callers", async () => {
    const fake = await startFakeBreakwater();
    // First beat (sent at start) is slow, so the beatNow calls below pile up behind it.
    fake.answer([{ status: 200, body: { accepted: true, status: "healthy" }, delayMs: 200 }]);
    const client = start({ breakwaterUrl: fake.url, intervalMs: 60_000, collect: () => ({ status: "healthy" }) });
    await waitFor(() => fake.beats.length === 1, "the first beat");
    await Promise.all([client.beatNow(), client.beatNow(), client.beatNow(), client.beatNow(), client.beatNow()]);
    expect(fake.beats).toHaveLength(2);
    expect(fake.maxInFlight()).toBe(1);
    // Idle: beatNow sends at once.
    await client.beatNow();
    expect(fake.beats).toHaveLength(3);
  });

  it("reports failures (HTTP error, not accepted, outage) to onFailed and recovers", async () => {
    const fake = await startFakeBreakwater();
    fake.answer([
      { status: 500, body: { error: "boom" } },
      { status: 200, body: { accepted: false, status: "healthy", reason: "out of order" } },
    ]);
    const outcomes: string[] = [];
    const client = start({
      breakwaterUrl: fake.url,
      intervalMs: 30,
      collect: () => ({ status: "healthy" }),
      onAcknowledged: (sent) => outcomes.push(`ack ${sent.sequence}`),
      onFailed: (sent, error) => outcomes.push(`fail ${sent.sequence}: ${error.message}`),
    });
    await waitFor(() => outcomes.length >= 3, "three beats");
    expect(outcomes.slice(0, 3)).toEqual([
      'fail 0: heartbeat answered HTTP 500: {"error":"boom"}',
      "fail 1: heartbeat not accepted (out of order)",
      "ack 2",
    ]);
    await fake.stop();
    await waitFor(() => outcomes.at(-1)?.includes("fail") === true, "a failure during the outage");
    await fake.start();
    const failedSoFar = outcomes.length;
    await waitFor(() => outcomes.slice(failedSoFar).some((o) => o.startsWith("ack")), "an acknowledged beat after the outage");
    expect(client.lastResponse()).toMatchObject({ accepted: true });
  });

  it("with an upstream pool: re-sends unacknowledged transitions and lb counts until a beat is acknowledged", async () => {
    const fake = await startFakeBreakwater();
    const upstream = http.createServer((_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          upstream.closeAllConnections();
          upstream.close(() => resolve());
        }),
    );
    const pool = createUpstreamPool({ owner: { service: "gateway", instanceId: "gateway-1" }, services: ["orders"] });
    cleanups.push(async () => pool.close());
    pool.setInstances([
      {
        instanceId: "orders-1",
        service: "orders",
        version: "v1",
        address: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
        status: "healthy",
      },
    ]);
    pool.setRoute({ id: "orders", service: "orders", version: 1, backends: [{ version: "v1", weight: 100 }] });
    await pool.call({ service: "orders", method: "GET", path: "/x" });
    await pool.call({ service: "orders", method: "GET", path: "/x" });
    pool.breaker("orders", "orders-1")?.transitionTo("forced_open", "drill");

    // The first two beats fail; the third is acknowledged.
    fake.answer([{ status: 503 }, { status: 503 }]);
    const client = start({
      breakwaterUrl: fake.url,
      intervalMs: 30,
      collect: () => ({ status: "healthy", ...pool.heartbeatFields() }),
      onAcknowledged: (sent) => pool.onHeartbeatAcknowledged(sent),
      onFailed: (sent) => pool.onHeartbeatFailed(sent),
    });
    await waitFor(() => fake.beats.length >= 4, "four beats");
    await client.stop();
    const [first, second, third, fourth] = fake.beats.map((beat) => heartbeatSchema.parse(beat.body));
    for (const beat of [first, second, third]) {
      expect(beat.breakers[0].transitions.map((t) => t.to)).toEqual(["forced_open"]);
      expect(beat.lbCounts).toEqual([{ route: "orders", backend: "v1", instanceId: "orders-1", routeVersion: 1, requests: 2 }]);
    }
    expect(fourth.breakers[0]).toMatchObject({ state: "forced_open", transitions: [] });
    expect(fourth.lbCounts).toEqual([]);
  });

  it("stop() ends the beats", async () => {
    const fake = await startFakeBreakwater();
    const client = start({ breakwaterUrl: fake.url, intervalMs: 20, collect: () => ({ status: "degraded" }) });
    await waitFor(() => fake.beats.length >= 2, "two beats");
    await client.stop();
    const count = fake.beats.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.beats.length).toBe(count);
    await client.beatNow();
    expect(fake.beats.length).toBe(count);
  });
});
