/**
 * inventory (v1): POST /reserve (all items or none, idempotent per order), POST /release,
 * GET /stock/:sku. Stock lives in PostgreSQL (DEMO_DATABASE_URL, own schema DEMO_DB_SCHEMA)
 * or, without a database, in memory (see stock-store.ts). Database down → 503 and an
 * unhealthy heartbeat, so discovery stops sending traffic here.
 */
import { z } from "zod";
import { HttpError, readJson, Router, sendJson } from "../shared/http";
import { runService, startServiceRuntime } from "../shared/service-runtime";
import { createMemoryStockStore, createPgStockStore, type StockStore, StoreUnavailableError } from "./stock-store";

const reserveSchema = z.object({
  orderId: z.string().min(1).max(128),
  items: z
    .array(z.object({ sku: z.string().min(1).max(64), quantity: z.number().int().positive().max(1_000) }))
    .min(1)
    .max(50),
});
const releaseSchema = z.object({ orderId: z.string().min(1).max(128) });

runService(async ({ env, log }) => {
  let store: StockStore;
  if (env.databaseUrl) {
    const pgStore = createPgStockStore({ url: env.databaseUrl, schema: env.dbSchema, log });
    await pgStore.db.firstProbe;
    store = pgStore;
  } else {
    log.info("no DEMO_DATABASE_URL: keeping stock in memory");
    store = createMemoryStockStore();
  }

  const available = <T>(work: () => Promise<T>): Promise<T> =>
    work().catch((error: unknown) => {
      if (error instanceof StoreUnavailableError) throw new HttpError(503, error.message, {}, { "retry-after": "2" });
      throw error;
    });

  const routes = new Router()
    .post("/reserve", async ({ req, res }) => {
      const { orderId, items } = await readJson(req, reserveSchema);
      const result = await available(() => store.reserve(orderId, items));
      if (!result.ok) {
        const status = result.reason === "unknown_sku" ? 404 : 409;
        throw new HttpError(
          status,
          result.reason === "unknown_sku" ? `unknown sku ${result.sku}` : `out of stock: ${result.sku}`,
          {
            reason: result.reason,
            sku: result.sku,
          },
        );
      }
      sendJson(res, 200, { ...result, servedBy: env.identity.instanceId });
    })
    .post("/release", async ({ req, res }) => {
      const { orderId } = await readJson(req, releaseSchema);
      const released = await available(() => store.release(orderId));
      sendJson(res, 200, { orderId, released });
    })
    .get("/stock/:sku", async ({ res, params }) => {
      const level = await available(() => store.get(params.sku));
      if (!level) throw new HttpError(404, `unknown sku ${params.sku}`);
      sendJson(res, 200, level);
    });

  return startServiceRuntime({
    env,
    log,
    routes,
    checks: () => [store.check()],
    onStop: () => store.close(),
  });
});
