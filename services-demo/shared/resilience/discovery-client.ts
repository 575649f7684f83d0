import type { AppliedConfig, DiscoveryResponse, RouteDeclaration } from "../../../lib/control/contract";
import type { ResilienceLogger } from "./logger";

/**
 * The discovery watch: long-polls Breakwater for the instances and routes of the services a
 * process calls, applies each new config once, and keeps the last good one when Breakwater is
 * unreachable or answers nonsense (including routes whose weights are all zero).
 */

export type DiscoveryWatchOptions = {
  /** Base URL, e.g. http://127.0.0.1:3000 */
  breakwaterUrl: string;
  services: readonly string[];
  /** Machine token (Authorization: Bearer). */
  token?: string;
  /** Called with every new accepted config (its `version` differs from the applied one). */
  onConfig: (config: DiscoveryResponse) => void;
  log?: ResilienceLogger;
  /** Long-poll hold asked of Breakwater. Default 25000 ms. */
  waitMs?: number;
  /** Backoff cap while Breakwater is unreachable. Default 2000 ms. */
  maxBackoffMs?: number;
  now?: () => number;
  random?: () => number;
};

export type DiscoveryWatch = {
  /** What this process runs on, for the heartbeat's appliedConfig. */
  appliedConfig(): AppliedConfig;
  /** The config last applied, if any. */
  current(): DiscoveryResponse | undefined;
  /** Resolves once a first config has been applied. */
  ready(): Promise<DiscoveryResponse>;
  /** Ends the loop and cancels the request in flight. */
  stop(): Promise<void>;
};

export function startDiscoveryWatch(options: DiscoveryWatchOptions): DiscoveryWatch {
  void options;
  throw new Error("TODO");
}

export type DeclareRoutesOptions = {
  breakwaterUrl: string;
  token?: string;
  routes: readonly RouteDeclaration[];
  log?: ResilienceLogger;
  signal?: AbortSignal;
  maxBackoffMs?: number;
};

/**
 * POST /api/v1/routes for each route, retrying (backoff) until Breakwater answers. Created or
 * already there are both fine; a 4xx other than 408/429 means the declaration itself is wrong
 * and rejects (typed DeclareRouteError) instead of retrying forever.
 */
export async function declareRoutes(options: DeclareRoutesOptions): Promise<void> {
  void options;
  throw new Error("TODO");
}

export class DeclareRouteError extends Error {
  readonly code = "DECLARE_ROUTE_REJECTED";
  constructor(
    readonly routeId: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`Breakwater refused route ${routeId}: HTTP ${status} ${detail}`);
    this.name = "DeclareRouteError";
  }
}
