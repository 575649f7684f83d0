import type { BreakerState, InstanceStatus } from "@/lib/control/contract";

/** The fields of a breaker these functions look at (a BreakerSummary from the API has them all). */
export type BreakerLike = {
  ownerInstanceId: string;
  ownerService: string;
  ownerStatus: InstanceStatus | null;
  targetInstanceId: string;
  targetService: string;
  state: BreakerState;
  stateSince: string;
};

/** One breaker's identity on the page and in transitions: owner instance → target instance. */
export function breakerKey(breaker: { ownerInstanceId: string; targetInstanceId: string }): string {
  return `${breaker.ownerInstanceId}→${breaker.targetInstanceId}`;
}

/**
 * Whether the owner still reports. Its registry status turns unhealthy when heartbeats stop
 * for its TTL (and the row goes when it is deregistered); either way the breaker's state is
 * the last one reported, not a live one.
 */
export function isOwnerReporting(ownerStatus: InstanceStatus | null): boolean {
  return ownerStatus === "healthy" || ownerStatus === "degraded";
}

/** Most urgent first: refusing calls, then probing, then forced, then normal. */
export const STATE_URGENCY: Record<BreakerState, number> = {
  open: 0,
  half_open: 1,
  forced_open: 2,
  closed: 3,
  disabled: 4,
};

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Open and half-open breakers first (the longest-open first within a state), breakers of
 * owners that stopped reporting after the live ones of the same state, then by owner and target.
 */
export function sortBreakers<T extends BreakerLike>(breakers: readonly T[]): T[] {
  return [...breakers].sort(
    (a, b) =>
      STATE_URGENCY[a.state] - STATE_URGENCY[b.state] ||
      Number(!isOwnerReporting(a.ownerStatus)) - Number(!isOwnerReporting(b.ownerStatus)) ||
      (a.state === "closed" || a.state === "disabled" ? 0 : Date.parse(a.stateSince) - Date.parse(b.stateSince)) ||
      byCodePoint(a.ownerService, b.ownerService) ||
      byCodePoint(a.ownerInstanceId, b.ownerInstanceId) ||
      byCodePoint(a.targetInstanceId, b.targetInstanceId),
  );
}

export type BreakerFilters = {
  /** Owner or target service. */
  service: string | null;
  state: BreakerState | null;
};

export function filterBreakers<T extends BreakerLike>(breakers: readonly T[], filters: BreakerFilters): T[] {
  return breakers.filter(
    (breaker) =>
      (filters.service === null || breaker.ownerService === filters.service || breaker.targetService === filters.service) &&
      (filters.state === null || breaker.state === filters.state),
  );
}

/** Every service on either side of a breaker, sorted: the service filter's choices. */
export function listBreakerServices(breakers: readonly BreakerLike[]): string[] {
  const names = new Set<string>();
  for (const breaker of breakers) {
    names.add(breaker.ownerService);
    names.add(breaker.targetService);
  }
  return [...names].sort(byCodePoint);
}

export type BreakersAttention<T> = {
  /** Open or forced open, owner still reporting: calls are being refused now. */
  open: T[];
  /** Half-open, owner still reporting: probing whether the target recovered. */
  halfOpen: T[];
  /** Not closed, but the owner stopped reporting: the state may be out of date. */
  staleNotClosed: T[];
  countByState: Record<BreakerState, number>;
  staleCount: number;
  total: number;
};

/** What the banner at the top of the page must say, over every breaker (filters do not hide it). */
export function summarizeBreakers<T extends BreakerLike>(breakers: readonly T[]): BreakersAttention<T> {
  const sorted = sortBreakers(breakers);
  const countByState: Record<BreakerState, number> = { closed: 0, open: 0, half_open: 0, forced_open: 0, disabled: 0 };
  for (const breaker of sorted) countByState[breaker.state] += 1;
  const live = sorted.filter((breaker) => isOwnerReporting(breaker.ownerStatus));
  return {
    open: live.filter((breaker) => breaker.state === "open" || breaker.state === "forced_open"),
    halfOpen: live.filter((breaker) => breaker.state === "half_open"),
    staleNotClosed: sorted.filter(
      (breaker) => !isOwnerReporting(breaker.ownerStatus) && breaker.state !== "closed" && breaker.state !== "disabled",
    ),
    countByState,
    staleCount: sorted.length - live.length,
    total: sorted.length,
  };
}
