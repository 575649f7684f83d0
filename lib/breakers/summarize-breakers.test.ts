import { describe, expect, it } from "vitest";
import type { BreakerState, InstanceStatus } from "@/lib/control/contract";
import {
  type BreakerLike,
  breakerKey,
  filterBreakers,
  isOwnerReporting,
  listBreakerServices,
  sortBreakers,
  summarizeBreakers,
} from "./summarize-breakers";

const breaker = (
  owner: string,
  target: string,
  state: BreakerState,
  options: { ownerStatus?: InstanceStatus | null; since?: string } = {},
): BreakerLike => ({
  ownerInstanceId: owner,
  ownerService: owner.replace(/-.*$/, ""),
  ownerStatus: options.ownerStatus === undefined ? "healthy" : options.ownerStatus,
  targetInstanceId: target,
  targetService: target.replace(/-.*$/, ""),
  state,
  stateSince: options.since ?? "2026-11-21T10:00:00Z",
});

const keys = (list: BreakerLike[]) => list.map(breakerKey);

const fleet = [
  breaker("gateway-1", "catalog-1", "closed"),
  breaker("orders-v2-1", "payments-1", "open", { since: "2026-11-21T10:05:00Z" }),
  breaker("gateway-1", "orders-v1-1", "half_open"),
  breaker("orders-v1-1", "payments-1", "open", { since: "2026-11-21T10:01:00Z" }),
  breaker("orders-v1-1", "inventory-1", "disabled"),
  breaker("gateway-2", "orders-v1-1", "open", { ownerStatus: "unhealthy" }),
  breaker("orders-v1-1", "payments-2", "forced_open", { ownerStatus: "degraded" }),
  breaker("gateway-2", "catalog-1", "closed", { ownerStatus: null }),
];

describe("sortBreakers", () => {
  it("puts open first (longest open first, stale owners last), then half-open, forced open, closed, disabled", () => {
    expect(keys(sortBreakers(fleet))).toEqual([
      "orders-v1-1→payments-1",
      "orders-v2-1→payments-1",
      "gateway-2→orders-v1-1",
      "gateway-1→orders-v1-1",
      "orders-v1-1→payments-2",
      "gateway-1→catalog-1",
      "gateway-2→catalog-1",
      "orders-v1-1→inventory-1",
    ]);
  });

  it("does not reorder its input", () => {
    const copy = [...fleet];
    sortBreakers(fleet);
    expect(fleet).toEqual(copy);
  });
});

describe("summarizeBreakers", () => {
  it("names the open (incl. forced) and half-open breakers of live owners, and counts the rest", () => {
    const summary = summarizeBreakers(fleet);
    expect(keys(summary.open)).toEqual(["orders-v1-1→payments-1", "orders-v2-1→payments-1", "orders-v1-1→payments-2"]);
    expect(keys(summary.halfOpen)).toEqual(["gateway-1→orders-v1-1"]);
    expect(keys(summary.staleNotClosed)).toEqual(["gateway-2→orders-v1-1"]);
    expect(summary.countByState).toEqual({ closed: 2, open: 3, half_open: 1, forced_open: 1, disabled: 1 });
    expect(summary.staleCount).toBe(2);
    expect(summary.total).toBe(8);
  });

  it("is all zero for no breakers", () => {
    expect(summarizeBreakers([])).toMatchObject({ open: [], halfOpen: [], staleCount: 0, total: 0 });
  });
});

describe("filterBreakers", () => {
  it("matches the service on either side, and the state", () => {
    expect(keys(filterBreakers(fleet, { service: "payments", state: null }))).toEqual([
      "orders-v2-1→payments-1",
      "orders-v1-1→payments-1",
      "orders-v1-1→payments-2",
    ]);
    expect(keys(filterBreakers(fleet, { service: "gateway", state: "closed" }))).toEqual([
      "gateway-1→catalog-1",
      "gateway-2→catalog-1",
    ]);
    expect(filterBreakers(fleet, { service: null, state: null })).toHaveLength(fleet.length);
  });
});

describe("listBreakerServices / isOwnerReporting", () => {
  it("lists owner and target services once, sorted", () => {
    expect(listBreakerServices(fleet)).toEqual(["catalog", "gateway", "inventory", "orders", "payments"]);
  });

  it("treats healthy and degraded owners as reporting", () => {
    expect(
      [null, "healthy", "degraded", "unhealthy", "deregistered"].map((s) => isOwnerReporting(s as InstanceStatus | null)),
    ).toEqual([false, true, true, false, false]);
  });
});
