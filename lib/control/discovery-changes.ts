import pg from "pg";
import { getPool } from "@/lib/db/pool";

/**
 * Wakes discovery long-polls when the registry or a route changes. Writers call
 * `pg_notify('breakwater_discovery', <service>)` in the transaction that makes the change (so
 * the notification is delivered at COMMIT, never for a rolled-back change, and reaches every
 * Breakwater process on the database); each process LISTENs on one dedicated connection and
 * wakes the waiters watching that service.
 *
 * The listener is kept on globalThis: Next.js bundles route handlers separately from the
 * custom server (lib/server/main.ts), so a module-level variable would exist twice in one
 * process. The server starts it (roles all/ui) and stops it on close; a route handler that
 * finds none starts it on demand. A dropped connection is re-established with backoff, and
 * every waiter is woken after reconnecting, since notifications sent meanwhile are lost.
 * Waiters recheck on their own every second anyway (the safety net for any lost wake-up).
 */

export const DISCOVERY_CHANNEL = "breakwater_discovery";

/** SQL (one parameter: the service) that announces a discovery-relevant change in the current transaction. */
export const NOTIFY_DISCOVERY_SQL = `SELECT pg_notify('${DISCOVERY_CHANNEL}', $1)`;

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

export type DiscoveryLog = { info(message: string): void; warn(message: string): void };

/** Interest in changes of some services. A change that arrives between two waits is not lost. */
export type DiscoverySubscription = {
  /** Resolves on a change of a watched service (or one since the last call), after `timeoutMs`, or on abort. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): void;
};

export type DiscoveryChanges = {
  subscribe(services: readonly string[]): DiscoverySubscription;
  /** True while the LISTEN connection is up. */
  isListening(): boolean;
  stop(): Promise<void>;
};

type Waiter = { services: ReadonlySet<string>; pending: boolean; wake?: () => void };

const consoleLog: DiscoveryLog = {
  info: (message) => console.info(`[discovery] ${message}`),
  warn: (message) => console.warn(`[discovery] ${message}`),
};

function createDiscoveryChanges(config: pg.ClientConfig, log: DiscoveryLog): DiscoveryChanges {
  const waiters = new Set<Waiter>();
  let client: pg.Client | undefined;
  let listening = false;
  let stopped = false;
  let backoffMs = RECONNECT_MIN_MS;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let hadConnection = false;

  const signal = (waiter: Waiter) => {
    waiter.pending = true;
    waiter.wake?.();
  };
  const wakeAll = () => waiters.forEach(signal);

  const scheduleReconnect = () => {
    if (stopped || reconnectTimer !== undefined) return;
    const delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, RECONNECT_MAX_MS);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, delay);
    reconnectTimer.unref();
  };

  const connect = async () => {
    if (stopped) return;
    // The pid tells Breakwater processes' listeners apart in pg_stat_activity.
    const next = new pg.Client({ ...config, application_name: `breakwater-discovery-${process.pid}`, keepAlive: true });
    client = next;
    let lost = false;
    const onLost = (reason: string) => {
      if (lost) return;
      lost = true;
      listening = false;
      if (client === next) client = undefined;
      next.removeAllListeners("notification");
      void next.end().catch(() => {});
      if (!stopped) {
        log.warn(`LISTEN connection lost (${reason}); reconnecting`);
        scheduleReconnect();
      }
    };
    next.on("error", (error: Error) => onLost(error.message));
    next.on("end", () => onLost("connection ended"));
    next.on("notification", (message) => {
      const service = message.payload ?? "";
      for (const waiter of waiters) if (waiter.services.has(service)) signal(waiter);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${DISCOVERY_CHANNEL}`);
    } catch (error) {
      onLost(error instanceof Error ? error.message : String(error));
      return;
    }
    if (stopped || lost) {
      void next.end().catch(() => {});
      return;
    }
    listening = true;
    backoffMs = RECONNECT_MIN_MS;
    if (hadConnection) log.info("LISTEN connection re-established");
    hadConnection = true;
    // Changes committed while we were not listening were not announced to us.
    wakeAll();
  };

  void connect();

  return {
    subscribe(services) {
      const waiter: Waiter = { services: new Set(services), pending: false };
      waiters.add(waiter);
      return {
        next(timeoutMs, abortSignal) {
          if (waiter.pending || abortSignal?.aborted) {
            waiter.pending = false;
            return Promise.resolve();
          }
          return new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              abortSignal?.removeEventListener("abort", done);
              waiter.wake = undefined;
              waiter.pending = false;
              resolve();
            };
            const timer = setTimeout(done, Math.max(0, timeoutMs));
            abortSignal?.addEventListener("abort", done, { once: true });
            waiter.wake = done;
          });
        },
        close() {
          waiter.wake?.();
          waiters.delete(waiter);
        },
      };
    },
    isListening: () => listening,
    async stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      listening = false;
      wakeAll();
      const current = client;
      client = undefined;
      await current?.end().catch(() => {});
    },
  };
}

// See the module comment: one listener per process, whichever bundle asks first.
const globals = globalThis as typeof globalThis & { __breakwaterDiscoveryChanges?: DiscoveryChanges };

/**
 * Starts this process's listener on the database of `pool` (default: the process-wide pool),
 * or returns the one already running.
 */
export function startDiscoveryChanges(options: { pool?: pg.Pool; log?: DiscoveryLog } = {}): DiscoveryChanges {
  globals.__breakwaterDiscoveryChanges ??= createDiscoveryChanges(
    { ...(options.pool ?? getPool()).options },
    options.log ?? consoleLog,
  );
  return globals.__breakwaterDiscoveryChanges;
}

/** The running listener, started on demand on the process-wide pool's database. */
export function getDiscoveryChanges(): DiscoveryChanges {
  return globals.__breakwaterDiscoveryChanges ?? startDiscoveryChanges();
}

/** Stops this process's listener (server close, tests). Safe to call when none runs. */
export async function stopDiscoveryChanges(): Promise<void> {
  const current = globals.__breakwaterDiscoveryChanges;
  globals.__breakwaterDiscoveryChanges = undefined;
  await current?.stop();
}
