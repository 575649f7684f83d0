import type { HeartbeatInput, HeartbeatResponse } from "../../../lib/control/contract";
import type { ResilienceLogger } from "./logger";

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

export function startHeartbeats(options: HeartbeatOptions): HeartbeatClient {
  void options;
  throw new Error("TODO");
}
