/**
 * payments (v1, two instances): POST /charge with an in-memory ledger, idempotent on the
 * Idempotency-Key header (required), authorizing through a simulated card network — a manual
 * CLIENT span to the uninstrumented "card-network" peer. A small share of cards is declined
 * (402, a business answer, not a failure).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { sampleLatencyMs } from "../shared/latency";
import { headerValue, HttpError, readJson, Router, sendJson, sleep } from "../shared/http";
import { withClientSpan } from "../shared/peer-span";
import { runService, startServiceRuntime } from "../shared/service-runtime";
import { type ChargeResult, IdempotencyConflictError, Ledger } from "./ledger";

const DECLINE_RATE = 0.03;
const cardNetwork = { medianMs: 35, sigma: 0.45, tailRate: 0.01, tailMinMs: 300, tailMaxMs: 700 };

const chargeSchema = z.object({
  orderId: z.string().min(1).max(128),
  amountCents: z.number().int().positive().max(100_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code, e.g. EUR"),
});

runService(async ({ env, log }) => {
  const ledger = new Ledger();

  // Not tied to the caller's connection: a charge that went out to the card network completes,
  // and a retry with the same key gets its result.
  const authorize = (request: z.infer<typeof chargeSchema>): Promise<ChargeResult> =>
    withClientSpan(
      "POST card-network /authorize",
      { "peer.service": "card-network", "server.address": "card-network.example", "http.request.method": "POST" },
      async (span) => {
        await sleep(sampleLatencyMs(cardNetwork));
        if (Math.random() < DECLINE_RATE) {
          span.setAttribute("demo.card.declined", true);
          return { outcome: "declined", orderId: request.orderId, reason: "card declined by issuer" };
        }
        return { outcome: "approved", chargeId: `ch_${randomUUID()}`, ...request };
      },
    );

  const routes = new Router().post("/charge", async ({ req, res }) => {
    const key = headerValue(req, "idempotency-key");
    if (!key) throw new HttpError(400, "Idempotency-Key header is required: charges must be safe to retry");
    const request = await readJson(req, chargeSchema);
    let answer;
    try {
      answer = await ledger.charge(key, request, () => authorize(request));
    } catch (error) {
      if (error instanceof IdempotencyConflictError) throw new HttpError(422, error.message);
      throw error;
    }
    const headers: Record<string, string> = answer.replayed ? { "idempotent-replayed": "true" } : {};
    const body = { ...answer.result, servedBy: env.identity.instanceId };
    sendJson(res, answer.result.outcome === "approved" ? 200 : 402, body, headers);
  });

  return startServiceRuntime({ env, log, routes });
});
