import { describe, expect, it } from "vitest";
import {
  type AttemptOutcome,
  backoffDelayMs,
  decideRetry,
  isIdempotentRequest,
  isRetryableOutcome,
  type RetryPolicyConfig,
} from "./retry-policy";

const config: RetryPolicyConfig = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 };
const status = (code: number): AttemptOutcome => ({ kind: "response", status: code });

describe("isIdempotentRequest", () => {
  it("accepts GET, HEAD, PUT, DELETE and OPTIONS in any case, not POST or PATCH", () => {
    for (const method of ["GET", "head", "PUT", "DELETE", "OPTIONS"]) expect(isIdempotentRequest({ method })).toBe(true);
    for (const method of ["POST", "PATCH", "post"]) expect(isIdempotentRequest({ method })).toBe(false);
  });

  it("accepts a POST with an Idempotency-Key header or an explicit flag; the flag wins both ways", () => {
    expect(isIdempotentRequest({ method: "POST", headers: { "Idempotency-Key": "order-42" } })).toBe(true);
    expect(isIdempotentRequest({ method: "POST", headers: { "idempotency-key": "" } })).toBe(false);
    expect(isIdempotentRequest({ method: "POST", idempotent: true })).toBe(true);
    expect(isIdempotentRequest({ method: "GET", idempotent: false })).toBe(false);
  });
});

describe("isRetryableOutcome", () => {
  it("retries connect errors, timeouts and 502/503/504 only", () => {
    expect(isRetryableOutcome({ kind: "connect_error", code: "ECONNREFUSED" })).toBe(true);
    expect(isRetryableOutcome({ kind: "timeout" })).toBe(true);
    for (const code of [502, 503, 504]) expect(isRetryableOutcome(status(code))).toBe(true);
    for (const code of [200, 400, 404, 409, 429, 500, 501]) expect(isRetryableOutcome(status(code))).toBe(false);
    expect(isRetryableOutcome({ kind: "aborted" })).toBe(false);
  });
});

describe("backoffDelayMs", () => {
  it("draws uniformly below base·2^(retry−1), capped at maxDelayMs", () => {
    const almostOne = () => 0.999999;
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, config, almostOne))).toEqual([99, 199, 299, 299]);
    expect(backoffDelayMs(3, config, () => 0.5)).toBe(150);
    expect(backoffDelayMs(1, config, () => 0)).toBe(0);
  });
});

describe("decideRetry", () => {
  const get = { method: "GET" };

  it("retries an idempotent request after a retryable outcome with a jittered delay", () => {
    expect(decideRetry({ attempt: 0, request: get, outcome: status(503), config, random: () => 0.5 })).toEqual({
      retry: true,
      delayMs: 50,
    });
    expect(decideRetry({ attempt: 1, request: get, outcome: { kind: "timeout" }, config, random: () => 0.5 })).toEqual({
      retry: true,
      delayMs: 100,
    });
  });

  it("stops after maxAttempts attempts in total", () => {
    expect(decideRetry({ attempt: 2, request: get, outcome: status(502), config, random: () => 0 }).retry).toBe(true);
    expect(decideRetry({ attempt: 3, request: get, outcome: status(502), config })).toEqual({
      retry: false,
      reason: "attempts_exhausted",
    });
  });

  it("never retries a POST without an idempotency key, a 4xx, a 500 or a success", () => {
    expect(decideRetry({ attempt: 0, request: { method: "POST" }, outcome: { kind: "timeout" }, config })).toEqual({
      retry: false,
      reason: "not_idempotent",
    });
    expect(decideRetry({ attempt: 0, request: get, outcome: status(404), config })).toEqual({
      retry: false,
      reason: "succeeded",
    });
    expect(decideRetry({ attempt: 0, request: get, outcome: status(500), config })).toEqual({
      retry: false,
      reason: "not_retryable",
    });
    expect(decideRetry({ attempt: 0, request: get, outcome: status(200), config })).toEqual({
      retry: false,
      reason: "succeeded",
    });
    const keyed = { method: "POST", headers: { "Idempotency-Key": "k1" } };
    expect(decideRetry({ attempt: 0, request: keyed, outcome: status(503), config, random: () => 0 })).toEqual({
      retry: true,
      delayMs: 0,
    });
  });
});
