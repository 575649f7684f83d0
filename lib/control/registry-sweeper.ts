import type pg from "pg";
import type { Env } from "@/lib/env";
import type { Logger } from "@/lib/server/logger";
import { pruneControlPlane } from "./prune-control-plane";
import { sweepRegistry } from "./sweep-registry";

/** Expiry is noticed within this long after an instance's TTL runs out. */
export const REGISTRY_SWEEP_INTERVAL_MS = 500;

export type RegistrySweeper = {
  /** Runs one sweep now (after a running one). */
  sweepNow(): Promise<void>;
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
};

export type RegistrySweeperEnv = Pick<
  Env,
  "BREAKWATER_DEREGISTER_AFTER_S" | "BREAKWATER_ROLLUP_RETENTION_DAYS" | "BREAKWATER_MAINTENANCE_INTERVAL_S"
>;

/**
 * Runs sweepRegistry every REGISTRY_SWEEP_INTERVAL_MS and pruneControlPlane every
 * BREAKWATER_MAINTENANCE_INTERVAL_S, never overlapping. Started by the server in roles
 * all/ui (the processes that serve the control-plane API); several processes may run it at
 * once (see sweepRegistry). Failures are logged and retried on the next tick.
 */
export function startRegistrySweeper(deps: {
  pool: pg.Pool;
  env: RegistrySweeperEnv;
  log: Logger;
  intervalMs?: number;
}): RegistrySweeper {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let lastPruneMs = 0;
  let failing = false;
  // TTLs count from no earlier than now (see sweepRegistry's graceFrom): instances get one TTL
  // to reach a Breakwater that has just started before they are called unhealthy.
  const graceFrom = new Date();

  const pass = async () => {
    if (stopped) return;
    try {
      const { expired, deregistered } = await sweepRegistry(deps.pool, {
        deregisterAfterS: deps.env.BREAKWATER_DEREGISTER_AFTER_S,
        graceFrom,
      });
      for (const instance of expired) {
        deps.log.info("instance unhealthy: no heartbeat within its TTL", {
          instance: instance.instanceId,
          service: instance.service,
        });
      }
      for (const instance of deregistered) {
        deps.log.info("instance deregistered", { instance: instance.instanceId, service: instance.service });
      }
      if (Date.now() - lastPruneMs >= deps.env.BREAKWATER_MAINTENANCE_INTERVAL_S * 1000) {
        lastPruneMs = Date.now();
        const pruned = await pruneControlPlane(deps.pool, { retentionDays: deps.env.BREAKWATER_ROLLUP_RETENTION_DAYS });
        if (Object.values(pruned).some((n) => n > 0)) deps.log.info("control plane pruned", pruned);
      }
      if (failing) deps.log.info("registry sweep recovered");
      failing = false;
    } catch (error) {
      // Logged once per outage, not twice a second.
      if (!failing) deps.log.warn("registry sweep failed", { error: error instanceof Error ? error.message : String(error) });
      failing = true;
    }
  };
  let queued = 0;
  const sweepNow = () => {
    queued += 1;
    running = running.then(pass).finally(() => {
      queued -= 1;
    });
    return running;
  };

  const timer = setInterval(() => {
    // A slow database must not pile up passes: skip the tick while one is still queued.
    if (!stopped && queued === 0) void sweepNow();
  }, deps.intervalMs ?? REGISTRY_SWEEP_INTERVAL_MS);
  timer.unref();
  void sweepNow();

  return {
    sweepNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
