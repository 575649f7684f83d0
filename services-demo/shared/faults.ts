import { type FaultSpec, NO_FAULTS } from "../../lib/control/contract";

/**
 * Fault injection for a demo instance's business endpoints (PUT /admin/faults). The decision
 * for one request is a pure function of the spec and a random draw, so it is tested without
 * timers; FaultState holds the current spec and the requests a `hang` fault is holding.
 */

export type FaultDecision =
  /** Accept and never answer (until the fault is lifted or the caller gives up). */
  | { kind: "hang" }
  /** Wait `delayMs`, then answer `status` without running the handler. */
  | { kind: "fail"; delayMs: number; status: number }
  /** Wait `delayMs`, then run the handler as usual. */
  | { kind: "pass"; delayMs: number };

/** What to do with one business request under `spec`. `random` ∈ [0, 1). */
export function decideFault(spec: FaultSpec, random: () => number = Math.random): FaultDecision {
  if (spec.hang) return { kind: "hang" };
  const delayMs = spec.latencyMs;
  // errorRate 1 fails every request, 0 none: compare a draw in [0, 1) with `<`.
  if (spec.errorRate > 0 && random() < spec.errorRate) return { kind: "fail", delayMs, status: spec.errorStatus };
  return { kind: "pass", delayMs };
}

export function isNoFault(spec: FaultSpec): boolean {
  return !spec.hang && spec.latencyMs === 0 && spec.errorRate === 0;
}

/** "hang", "latency 200 ms, 30 % errors (503)" — for the heartbeat check and logs; undefined when none. */
export function describeFault(spec: FaultSpec): string | undefined {
  if (spec.hang) return "hang (requests are accepted and never answered)";
  const parts: string[] = [];
  if (spec.latencyMs > 0) parts.push(`latency ${spec.latencyMs} ms`);
  if (spec.errorRate > 0) parts.push(`${Math.round(spec.errorRate * 1000) / 10} % errors (${spec.errorStatus})`);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

/** The current spec, plus the waiters held by a `hang` fault (released when it is lifted). */
export class FaultState {
  private spec: FaultSpec = NO_FAULTS;
  private readonly hung = new Set<() => void>();

  get(): FaultSpec {
    return this.spec;
  }

  set(spec: FaultSpec): void {
    this.spec = spec;
    // Requests held by a hang go on (with whatever the new spec says) once it is lifted.
    if (!spec.hang) this.releaseHung();
  }

  reset(): void {
    this.set(NO_FAULTS);
  }

  /** Requests currently held by a hang fault. */
  hungCount(): number {
    return this.hung.size;
  }

  /**
   * Resolves when the hang fault is lifted (true) or `signal` aborts first (false: the caller
   * went away or the process is stopping).
   */
  waitWhileHung(signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const release = () => {
        signal.removeEventListener("abort", onAbort);
        this.hung.delete(release);
        resolve(true);
      };
      const onAbort = () => {
        this.hung.delete(release);
        resolve(false);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.hung.add(release);
    });
  }

  private releaseHung(): void {
    for (const release of [...this.hung]) release();
  }
}
