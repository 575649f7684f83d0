import http from "node:http";
import https from "node:https";
import { context } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";

/**
 * One request to Breakwater's control-plane API (discovery, heartbeats, route declaration).
 * Runs with tracing suppressed: a heartbeat every second and a discovery long-poll would
 * otherwise put two traces a second per process into the very dashboard they feed.
 */

export type ControlPlaneRequest = {
  url: URL;
  method: "GET" | "POST";
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
  agent?: http.Agent;
};

export type ControlPlaneResponse = { status: number; text: string };

/** No answer: refused, reset, timed out or cancelled. */
export class ControlPlaneUnreachableError extends Error {
  readonly code = "CONTROL_PLANE_UNREACHABLE";
  constructor(
    message: string,
    readonly reason: "network" | "timeout" | "aborted",
  ) {
    super(message);
    this.name = "ControlPlaneUnreachableError";
  }
}

export function requestControlPlane(input: ControlPlaneRequest): Promise<ControlPlaneResponse> {
  return context.with(suppressTracing(context.active()), () => send(input));
}

function send(input: ControlPlaneRequest): Promise<ControlPlaneResponse> {
  return new Promise((resolve, reject) => {
    if (input.signal?.aborted) return reject(new ControlPlaneUnreachableError("cancelled", "aborted"));
    const body = input.body === undefined ? undefined : Buffer.from(JSON.stringify(input.body));
    const headers: Record<string, string> = { accept: "application/json" };
    if (body) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(body.byteLength);
    }
    if (input.token) headers.authorization = `Bearer ${input.token}`;
    const request = (input.url.protocol === "https:" ? https.request : http.request)(input.url, {
      method: input.method,
      headers,
      agent: input.agent,
    });

    // Only event handlers call fail/succeed, so every const below is initialized by then.
    let isSettled = false;
    const finish = () => {
      if (isSettled) return false;
      isSettled = true;
      clearTimeout(timer);
      input.signal?.removeEventListener("abort", onAbort);
      return true;
    };
    const fail = (error: ControlPlaneUnreachableError) => {
      if (finish()) reject(error);
      request.destroy();
    };
    const timer = setTimeout(
      () =>
        fail(
          new ControlPlaneUnreachableError(
            `${input.method} ${input.url.pathname}: no answer within ${input.timeoutMs} ms`,
            "timeout",
          ),
        ),
      input.timeoutMs,
    );
    const onAbort = () => fail(new ControlPlaneUnreachableError("cancelled", "aborted"));
    input.signal?.addEventListener("abort", onAbort, { once: true });

    request.on("error", (error) =>
      fail(new ControlPlaneUnreachableError(`${input.method} ${input.url.pathname}: ${error.message}`, "network")),
    );
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) =>
        fail(new ControlPlaneUnreachableError(`${input.method} ${input.url.pathname}: ${error.message}`, "network")),
      );
      response.on("end", () => {
        if (finish()) resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
      });
    });
    request.end(body);
  });
}

/** Resolves true after `ms`, or early (false) when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
