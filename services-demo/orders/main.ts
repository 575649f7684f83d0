/**
 * orders (v1 and v2, one instance each): POST /orders reserves stock at inventory, then
 * charges at payments — both through the shared resilience library's UpstreamPool, fed by
 * Breakwater discovery (inventory + payments instances), with one circuit breaker per upstream
 * instance (reported in this process's heartbeats), per-attempt timeouts and retries. Both
 * calls carry an Idempotency-Key (inventory reserves once per order, payments charges once per
 * key), so a timed-out attempt may be retried safely. A failed charge releases the stock.
 * GET /orders/:id reads the order back.
 *
 * v2 has a different latency profile: a faster median, a heavier tail.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type LatencyProfile, sampleLatencyMs } from "../shared/latency";
import { HttpError, readJson, Router, sendJson, sleep } from "../shared/http";
import { findProduct } from "../shared/products";
import { startDiscoveryWatch } from "../shared/resilience/discovery-client";
import { createUpstreamPool, type UpstreamPool } from "../shared/resilience/upstream-pool";
import { runService, startServiceRuntime } from "../shared/service-runtime";
import { jsonBody, upstreamProblem } from "../shared/upstream";
import { createMemoryOrderStore, createPgOrderStore, type Order, type OrderStore } from "./order-store";

/** Own work per order (validation, pricing, persistence), by version. */
const ORDER_LATENCY: Record<string, LatencyProfile> = {
  v1: { medianMs: 30, sigma: 0.35, tailRate: 0.005, tailMinMs: 120, tailMaxMs: 250 },
  v2: { medianMs: 14, sigma: 0.3, tailRate: 0.04, tailMinMs: 250, tailMaxMs: 900 },
};

const UPSTREAMS = ["inventory", "payments"] as const;

const placeOrderSchema = z.object({
  items: z
    .array(z.object({ sku: z.string().min(1).max(64), quantity: z.number().int().positive().max(20) }))
    .min(1)
    .max(10),
  customerId: z.string().max(128).optional(),
});

function problem(service: string, result: Awaited<ReturnType<UpstreamPool["call"]>>): HttpError | undefined {
  const found = upstreamProblem(service, result);
  if (!found) return undefined;
  const headers: Record<string, string> = found.retryAfterSeconds ? { "retry-after": String(found.retryAfterSeconds) } : {};
  return new HttpError(found.status, found.message, { upstream: service }, headers);
}

runService(async ({ env, log }) => {
  const { identity } = env;
  const latency = ORDER_LATENCY[identity.version] ?? ORDER_LATENCY.v1;
  let store: OrderStore;
  if (env.databaseUrl) {
    const pgStore = createPgOrderStore({ url: env.databaseUrl, schema: env.dbSchema, log });
    await pgStore.db.firstProbe;
    store = pgStore;
  } else {
    store = createMemoryOrderStore();
  }

  // Late-bound: transitions and configs arrive once the runtime (and its heartbeats) run.
  // Breaker transitions and new configs want a heartbeat right away; the heartbeats start
  // with the runtime, below, so until then this does nothing.
  let beatNow: () => void = () => undefined;
  const pool = createUpstreamPool({
    owner: { service: identity.service, instanceId: identity.instanceId },
    services: UPSTREAMS,
    timeoutMs: 1_500,
    log,
    // The pool logs the transition; Breakwater should hear of it now, not at the next beat. Not
    // synchronously: a transition can fire while a beat is being collected (an open breaker turns
    // half_open when its snapshot is read), and a nested beat would report the same counts twice.
    onBreakerTransition: () => setImmediate(beatNow),
  });
  const discovery = startDiscoveryWatch({
    breakwaterUrl: env.breakwaterUrl,
    token: env.token,
    services: UPSTREAMS,
    log,
    onConfig: (config) => {
      // (The watch logs each applied config.)
      pool.applyDiscovery(config);
      beatNow();
    },
  });

  const releaseStock = async (orderId: string) => {
    const result = await pool.call({
      service: "inventory",
      method: "POST",
      path: "/release",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ orderId }),
      idempotent: true,
    });
    if (result.kind !== "response" || result.status >= 300) {
      log.warn("could not release stock after a failed charge", { orderId, result: result.kind });
    }
  };

  const routes = new Router()
    .post("/orders", async ({ req, res, signal }) => {
      const input = await readJson(req, placeOrderSchema);
      const items = input.items.map((item) => {
        const product = findProduct(item.sku);
        if (!product) throw new HttpError(400, `unknown product ${item.sku}`);
        return { sku: item.sku, quantity: item.quantity, priceCents: product.priceCents };
      });
      if (!store.isReady()) throw new HttpError(503, "order store unavailable", {}, { "retry-after": "2" });
      const orderId = `ord_${randomUUID()}`;
      const totalCents = items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0);
      await sleep(sampleLatencyMs(latency), signal);

      const reserved = await pool.call(
        {
          service: "inventory",
          method: "POST",
          path: "/reserve",
          // Inventory reserves once per order: repeating the call is safe.
          headers: { "content-type": "application/json", "idempotency-key": `${orderId}:reserve` },
          body: JSON.stringify({ orderId, items: items.map(({ sku, quantity }) => ({ sku, quantity })) }),
        },
        { signal },
      );
      const reserveProblem = problem("inventory", reserved);
      if (reserveProblem) throw reserveProblem;
      if (reserved.kind === "response" && reserved.status >= 400) {
        const detail = jsonBody(reserved) as { error?: string } | undefined;
        throw new HttpError(
          reserved.status === 404 || reserved.status === 409 ? 409 : 502,
          detail?.error ?? "could not reserve stock",
        );
      }

      const charged = await pool.call(
        {
          service: "payments",
          method: "POST",
          path: "/charge",
          headers: { "content-type": "application/json", "idempotency-key": `${orderId}:charge` },
          body: JSON.stringify({ orderId, amountCents: totalCents, currency: "EUR" }),
        },
        { signal },
      );
      const chargeProblem = problem("payments", charged);
      if (chargeProblem || (charged.kind === "response" && charged.status >= 300)) {
        await releaseStock(orderId);
        if (chargeProblem) throw chargeProblem;
        const detail = jsonBody(charged) as { reason?: string; error?: string } | undefined;
        if (charged.kind === "response" && charged.status === 402) {
          throw new HttpError(402, detail?.reason ?? "payment declined", { orderId });
        }
        throw new HttpError(502, `payments answered HTTP ${charged.kind === "response" ? charged.status : "?"}`);
      }
      const charge = jsonBody(charged) as { chargeId?: string } | undefined;

      const order: Order = {
        id: orderId,
        status: "confirmed",
        items,
        totalCents,
        currency: "EUR",
        chargeId: charge?.chargeId ?? "unknown",
        createdAt: new Date().toISOString(),
        placedBy: identity.instanceId,
        version: identity.version,
      };
      await store.save(order);
      sendJson(res, 201, { order }, { location: `/orders/${orderId}` });
    })
    .get("/orders/:id", async ({ res, params, signal }) => {
      await sleep(sampleLatencyMs({ ...latency, medianMs: latency.medianMs / 3 }), signal);
      if (!store.isReady()) throw new HttpError(503, "order store unavailable", {}, { "retry-after": "2" });
      const order = await store.get(params.id);
      if (!order) throw new HttpError(404, `no order ${params.id}`);
      sendJson(res, 200, { order, servedBy: identity.instanceId });
    });

  const runtime = await startServiceRuntime({
    env,
    log,
    routes,
    checks: () => [store.check()],
    heartbeatFields: () => ({ ...pool.heartbeatFields(), appliedConfig: discovery.appliedConfig() }),
    onHeartbeatAcknowledged: (sent) => pool.onHeartbeatAcknowledged(sent),
    onHeartbeatFailed: (sent) => pool.onHeartbeatFailed(sent),
    onStop: async () => {
      await discovery.stop();
      await store.close();
    },
  });
  beatNow = runtime.beatNow;
  return runtime;
});
