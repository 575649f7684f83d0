import type { UpstreamCallResult } from "./resilience/upstream-pool";

/**
 * Turning an upstream call's result into what the caller answers its own client: a call that
 * got no usable answer becomes 503 (nothing to call: no instance, every breaker open) or
 * 502/504 (the upstream failed or timed out), naming the upstream.
 */

export type UpstreamProblem = { status: 502 | 503 | 504; message: string; retryAfterSeconds?: number };

/** undefined when the upstream answered with a status below 500 (the caller handles 2xx/4xx itself). */
export function upstreamProblem(service: string, result: UpstreamCallResult): UpstreamProblem | undefined {
  switch (result.kind) {
    case "unavailable":
      return result.reason === "short_circuited"
        ? { status: 503, message: `${service} unavailable: every instance's circuit breaker is open`, retryAfterSeconds: 5 }
        : { status: 503, message: `${service} unavailable: no healthy instance known`, retryAfterSeconds: 2 };
    case "failed":
      if (result.failure === "timeout") return { status: 504, message: `${service} timed out (${result.message})` };
      if (result.failure === "aborted") return { status: 503, message: `${service} call cancelled` };
      return { status: 502, message: `${service} unreachable: ${result.message}` };
    case "response":
      return result.status >= 500 ? { status: 502, message: `${service} failed with HTTP ${result.status}` } : undefined;
  }
}

/** The JSON body of an upstream answer, or undefined when it is not JSON. */
export function jsonBody(result: UpstreamCallResult): unknown {
  if (result.kind !== "response" || result.body.length === 0) return undefined;
  try {
    return JSON.parse(result.body.toString("utf8"));
  } catch {
    return undefined;
  }
}
