import http from "node:http";
import { type HeartbeatInput, type HeartbeatResponse, heartbeatResponseSchema } from "../../../lib/control/contract";
import { delay, requestControlPlane } from "./control-plane-request";
import { type ResilienceLogger, silentLogger } from "./logger";

/**
 * Heartbeats to Breakwater: one POST /api/v1/heartbeats every interval, plus `beatNow()` for
 * news that should not wait (a config applied, a breaker transition). At most one beat is in
 * flight and at most one queued behind it, so a burst of transitions costs two requests.
 */

export type HeartbeatIdentity = { service: string; instanceId: string; version: string; address: string };

/** The per-beat fields the process supplies; identity, sentAt, sequence and ttlMs are added here. */
export type HeartbeatExtras = Pick<HeartbeatInput, "status" | "checks" | "breakers" | "lbCounts" | "appliedConfig">;

export type HeartbeatOptions = {
  breakwaterUrl: string;
  token?: string;
  /** Default 1000 ms. */
  intervalMs?: number;
  identity: HeartbeatIdentity;
  /** Default 5000 ms. */
  ttlMs?: number;
  /** Called once per beat right before sending (may take lb counts: see onFailed). */
  collect: () => HeartbeatExtras;
  /** The beat was answered 2xx with accepted: true — e.g. acknowledge the transitions it carried. */
  onAcknowledged?: (sent: HeartbeatInput, response: HeartbeatResponse) => void;
  /** The beat was not acknowledged (network error, non-2xx, accepted: false) — e.g. put lb counts back. */
  onFailed?: (sent: HeartbeatInput, error: Error) => void;
  /** Per request. Default 3000 ms. */
  requestTimeoutMs?: number;
  log?: ResilienceLogger;
  now?: () => number;
};

export type HeartbeatClient = {
  /** Send a beat now (coalesced); resolves when a beat that started after this call has finished. */
  beatNow(): Promise<void>;
  /** The last answer from Breakwater, if any. */
  lastResponse(): HeartbeatResponse | undefined;
  /** Stops the timer and waits for the beat in flight. */
  stop(): Promise<void>;
};

/** A beat that reached Breakwater but was not taken (non-2xx, accepted: false, unreadable answer). */
export class HeartbeatRejectedError extends Error {
  readonly code = "HEARTBEAT_REJECTED";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "HeartbeatRejectedError";
  }
}

/** How long stop() lets the beat in flight finish before cutting it. */
const STOP_GRACE_MS = 1_000;

export function startHeartbeats(options: HeartbeatOptions): HeartbeatClient {
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLogger;
  const intervalMs = options.intervalMs ?? 1_000;
  const ttlMs = options.ttlMs ?? 5_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 3_000;
  const url = new URL("/api/v1/heartbeats", options.breakwaterUrl);
  const agent = new http.Agent({ keepAlive: true });
  const controller = new AbortController();

  let sequence = 0;
  let lastResponse: HeartbeatResponse | undefined;
  let failuresInARow = 0;
  let isStopped = false;
  let timer: NodeJS.Timeout | undefined;
  /** The beat in flight, if any. */
  let inFlight: Promise<void> | undefined;
  /** The one beat queued behind it, shared by every beatNow() made meanwhile. */
  let queued: { promise: Promise<void>; resolve: () => void } | undefined;

  const send = async (body: HeartbeatInput): Promise<HeartbeatResponse> => {
    const response = await requestControlPlane({
      url,
      method: "POST",
      token: options.token,
      body,
      timeoutMs: requestTimeoutMs,
      signal: controller.signal,
      agent,
    });
    if (response.status < 200 || response.status >= 300) {
      throw new HeartbeatRejectedError(
        `heartbeat answered HTTP ${response.status}: ${response.text.slice(0, 300)}`,
        response.status,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw new HeartbeatRejectedError(`heartbeat answer is not JSON: ${response.text.slice(0, 100)}`, response.status);
    }
    const parsed = heartbeatResponseSchema.safeParse(json);
    if (!parsed.success) throw new HeartbeatRejectedError(`heartbeat answer does not match the contract`, response.status);
    return parsed.data;
  };

  /** One beat, start to end. Never rejects: failures go to onFailed and the log. */
  const beat = async () => {
    let body: HeartbeatInput;
    try {
      body = { ...options.identity, ...options.collect(), ttlMs, sentAt: new Date(now()).toISOString(), sequence: sequence++ };
    } catch (error) {
      log.error(`heartbeat: collecting the beat failed: ${(error as Error).message}`);
      return;
    }
    try {
      const response = await send(body);
      lastResponse = response;
      if (!response.accepted) {
        throw new HeartbeatRejectedError(`heartbeat not accepted (${response.reason ?? "no reason given"})`, 200);
      }
      if (failuresInARow > 0) log.info(`heartbeat: delivered again after ${failuresInARow} failed beat(s)`);
      failuresInARow = 0;
      options.onAcknowledged?.(body, response);
    } catch (error) {
      failuresInARow++;
      const failure = error instanceof Error ? error : new Error(String(error));
      // One line when beats start failing, not one per second.
      if (failuresInARow === 1 && !isStopped) log.warn(`heartbeat: ${failure.message}; will keep trying every ${intervalMs} ms`);
      options.onFailed?.(body, failure);
    }
  };

  const schedule = () => {
    clearTimeout(timer);
    if (isStopped) return;
    timer = setTimeout(() => void start(), intervalMs);
    // The service's own server keeps the process alive; heartbeats alone should not.
    timer.unref();
  };

  const start = (): Promise<void> => {
    clearTimeout(timer);
    // beat() starts on the next microtask, after inFlight is set: collect() may fire a breaker
    // transition whose handler calls beatNow(), which must queue behind this beat — a nested
    // beat would report (and get acknowledged for) the same counts twice.
    const current = Promise.resolve()
      .then(beat)
      .finally(() => {
        inFlight = undefined;
        const next = queued;
        queued = undefined;
        if (next && !isStopped) void start().then(next.resolve);
        else {
          next?.resolve();
          schedule();
        }
      });
    inFlight = current;
    return current;
  };

  // Register right away rather than one interval after start.
  void start();

  return {
    beatNow() {
      if (isStopped) return Promise.resolve();
      if (!inFlight) return start();
      if (!queued) {
        let resolve: () => void = () => {};
        const promise = new Promise<void>((r) => (resolve = r));
        queued = { promise, resolve };
      }
      return queued.promise;
    },
    lastResponse: () => lastResponse,
    async stop() {
      isStopped = true;
      clearTimeout(timer);
      // Give the beat in flight a moment to land (a shutdown should not wait out a dead
      // Breakwater's timeout), then cut it; either way its outcome reaches onAcknowledged/onFailed.
      if (inFlight) {
        const finished = inFlight;
        const timeout = delay(STOP_GRACE_MS, controller.signal);
        await Promise.race([finished, timeout]);
        controller.abort();
        await finished;
      }
      queued?.resolve();
      agent.destroy();
    },
  };
}
