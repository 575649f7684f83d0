/**
 * catalog (v1): the product list. GET /products, GET /products/:id from an in-memory store,
 * each read going through a (simulated) cache — a manual CLIENT span to the uninstrumented
 * "catalog-cache" peer, which Breakwater shows as a virtual node.
 */
import { sampleLatencyMs } from "../shared/latency";
import { HttpError, Router, sendJson, sleep } from "../shared/http";
import { withClientSpan } from "../shared/peer-span";
import { findProduct, PRODUCTS } from "../shared/products";
import { runService, startServiceRuntime } from "../shared/service-runtime";

const CACHE_HIT_RATE = 0.9;
const cacheHit = { medianMs: 1, sigma: 0.4, tailRate: 0, tailMinMs: 0, tailMaxMs: 0 };
const cacheMiss = { medianMs: 14, sigma: 0.5, tailRate: 0.01, tailMinMs: 80, tailMaxMs: 200 };
const work = { medianMs: 4, sigma: 0.5, tailRate: 0.005, tailMinMs: 50, tailMaxMs: 150 };

/** Reads through the cache: a hit is fast, a miss costs a (simulated) rebuild. */
function readThroughCache(key: string, signal: AbortSignal): Promise<void> {
  const hit = Math.random() < CACHE_HIT_RATE;
  return withClientSpan(
    "GET catalog-cache",
    {
      "peer.service": "catalog-cache",
      "server.address": "catalog-cache",
      "db.system": "redis",
      "db.system.name": "redis",
      "db.operation.name": "GET",
      "db.query.text": `GET ${key}`,
    },
    async (span) => {
      span.setAttribute("demo.cache.hit", hit);
      await sleep(sampleLatencyMs(hit ? cacheHit : cacheMiss), signal);
    },
  );
}

runService(async ({ env, log }) => {
  const routes = new Router()
    .get("/products", async ({ res, signal, query }) => {
      await readThroughCache("products:all", signal);
      await sleep(sampleLatencyMs(work), signal);
      const limit = Math.min(Math.max(Number(query.get("limit")) || PRODUCTS.length, 1), PRODUCTS.length);
      sendJson(res, 200, { products: PRODUCTS.slice(0, limit), servedBy: env.identity.instanceId });
    })
    .get("/products/:id", async ({ res, params, signal }) => {
      await readThroughCache(`product:${params.id}`, signal);
      await sleep(sampleLatencyMs(work), signal);
      const product = findProduct(params.id);
      if (!product) throw new HttpError(404, `no product ${params.id}`);
      sendJson(res, 200, { product, servedBy: env.identity.instanceId });
    });

  return startServiceRuntime({ env, log, routes });
});
