/**
 * loadgen: simulated shoppers driving the gateway at DEMO_LOAD_RATE requests per second —
 * browse products 60 %, product detail 20 %, place an order 15 %, look an order up 5 % — with
 * Poisson arrivals. Instrumented like the services (service.name "loadgen"), so every trace
 * starts here with a CLIENT span. Its counters go to stdout at debug level only: the dashboard,
 * not this process, is where the traffic is meant to be read.
 */
import http from "node:http";
import { PRODUCTS } from "../shared/products";
import { runService } from "../shared/service-runtime";
import { shutdownTelemetry } from "../shared/telemetry";
import { type LoadAction, nextGapMs, pickAction, pickOrderItems } from "./mix";

/** Requests in flight beyond this are skipped (counted as dropped): a hung shop must not pile up sockets. */
const MAX_IN_FLIGHT = 200;
const REQUEST_TIMEOUT_MS = 15_000;
const REPORT_EVERY_MS = 10_000;
/** Order ids remembered for "look an order up". */
const RECENT_ORDERS = 200;

type Outcome = "ok" | "clientError" | "rateLimited" | "serverError" | "fallback" | "failed";
type Counters = Record<LoadAction, Record<Outcome, number>>;

const emptyCounters = (): Counters => ({
  browse: { ok: 0, clientError: 0, rateLimited: 0, serverError: 0, fallback: 0, failed: 0 },
  detail: { ok: 0, clientError: 0, rateLimited: 0, serverError: 0, fallback: 0, failed: 0 },
  placeOrder: { ok: 0, clientError: 0, rateLimited: 0, serverError: 0, fallback: 0, failed: 0 },
  getOrder: { ok: 0, clientError: 0, rateLimited: 0, serverError: 0, fallback: 0, failed: 0 },
});

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

runService(async ({ env, log }) => {
  if (!env.gatewayUrl) throw new Error("DEMO_GATEWAY_URL is required (the gateway the load goes to)");
  const gateway = new URL(env.gatewayUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const rate = env.loadRate;
  let productIds = PRODUCTS.map((product) => product.id);
  const recentOrders: string[] = [];
  let counters = emptyCounters();
  let inFlight = 0;
  let dropped = 0;
  let stopping = false;
  const inFlightRequests = new Set<http.ClientRequest>();

  const send = (method: string, path: string, body?: unknown): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const request = http.request(
        {
          protocol: gateway.protocol,
          hostname: gateway.hostname,
          port: gateway.port,
          method,
          path,
          agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            accept: "application/json",
            "user-agent": "breakwater-demo-loadgen",
            ...(payload === undefined
              ? {}
              : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          );
          response.on("error", reject);
        },
      );
      inFlightRequests.add(request);
      request.on("close", () => inFlightRequests.delete(request));
      request.on("timeout", () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      request.on("error", reject);
      request.end(payload);
    });

  const parse = (answer: Answer): unknown => {
    try {
      return JSON.parse(answer.body);
    } catch {
      return undefined;
    }
  };

  const act = async (action: LoadAction): Promise<Answer> => {
    switch (action) {
      case "browse": {
        const answer = await send("GET", "/api/catalog/products");
        const listing = parse(answer) as { products?: { id?: unknown }[] } | undefined;
        const ids = listing?.products?.map((product) => product.id).filter((id): id is string => typeof id === "string");
        if (answer.status === 200 && ids && ids.length > 0) productIds = ids;
        return answer;
      }
      case "detail": {
        const id = productIds[Math.floor(Math.random() * productIds.length)];
        return send("GET", `/api/catalog/products/${encodeURIComponent(id)}`);
      }
      case "placeOrder": {
        const answer = await send("POST", "/api/orders", {
          items: pickOrderItems(productIds, Math.random),
          customerId: "loadgen",
        });
        const placed = parse(answer) as { order?: { id?: unknown } } | undefined;
        if (answer.status === 201 && typeof placed?.order?.id === "string") {
          recentOrders.push(placed.order.id);
          if (recentOrders.length > RECENT_ORDERS) recentOrders.shift();
        }
        return answer;
      }
      case "getOrder": {
        const id = recentOrders[Math.floor(Math.random() * recentOrders.length)];
        return send("GET", `/api/orders/${encodeURIComponent(id)}`);
      }
    }
  };

  const classify = (answer: Answer): Outcome => {
    if (answer.headers["x-breakwater-fallback"]) return "fallback";
    if (answer.status === 429) return "rateLimited";
    if (answer.status >= 500) return "serverError";
    if (answer.status >= 400) return "clientError";
    return "ok";
  };

  const fire = () => {
    if (inFlight >= MAX_IN_FLIGHT) {
      dropped++;
      return;
    }
    const action = pickAction(Math.random(), recentOrders.length > 0);
    inFlight++;
    act(action)
      .then(
        (answer) => counters[action][classify(answer)]++,
        () => counters[action].failed++,
      )
      .finally(() => inFlight--);
  };

  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopping || rate <= 0) return;
    timer = setTimeout(
      () => {
        fire();
        schedule();
      },
      nextGapMs(rate, Math.random()),
    );
  };
  schedule();
  log.info("sending load", { gateway: gateway.origin, ratePerSec: rate });

  const reporter = setInterval(() => {
    log.debug("load in the last interval", { ...flatten(counters), inFlight, dropped });
    counters = emptyCounters();
    dropped = 0;
  }, REPORT_EVERY_MS);

  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      clearInterval(reporter);
      for (const request of inFlightRequests) request.destroy();
      agent.destroy();
      await shutdownTelemetry();
    },
  };
});

function flatten(counters: Counters): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [action, outcomes] of Object.entries(counters)) {
    for (const [outcome, count] of Object.entries(outcomes)) if (count > 0) out[`${action}.${outcome}`] = count;
  }
  return out;
}
