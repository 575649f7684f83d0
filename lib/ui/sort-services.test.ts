import { describe, expect, it } from "vitest";
import type { OverviewBreaker, OverviewService } from "@/lib/query-client/overview-schemas";
import { countLiveBreakers, nextSort, sortServices } from "./sort-services";

function svc(name: string, fields: Partial<OverviewService> = {}): OverviewService {
  return {
    name,
    basis: "server",
    requests: 0,
    errors: 0,
    requestRate: 0,
    errorPercent: null,
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
    series: [],
    instances: { healthy: 0, degraded: 0, unhealthy: 0, total: 0 },
    breakers: [],
    spanCount: 1,
    lastSpanAt: "2026-11-21T12:00:00.000Z",
    ...fields,
  };
}

const breaker = (ownerStatus: OverviewBreaker["ownerStatus"]): OverviewBreaker => ({
  direction: "outbound",
  ownerService: "a",
  ownerInstanceId: "a-1",
  ownerStatus,
  targetService: "b",
  targetInstanceId: "b-1",
  state: "open",
  stateSince: "2026-11-21T12:00:00.000Z",
});

const names = (list: OverviewService[]) => list.map((s) => s.name);

describe("sortServices", () => {
  it("sorts names case-insensitively with numbers in numeric order", () => {
    const services = [svc("checkout"), svc("svc-10"), svc("Cart"), svc("svc-2")];
    expect(names(sortServices(services, { key: "name", direction: "asc" }))).toEqual(["Cart", "checkout", "svc-2", "svc-10"]);
    expect(names(sortServices(services, { key: "name", direction: "desc" }))).toEqual(["svc-10", "svc-2", "checkout", "Cart"]);
  });

  it("sorts by rate and latency, ties by name, services without requests last in both directions", () => {
    const services = [
      svc("idle", { basis: null }),
      svc("b", { requestRate: 2, p95Ms: 30 }),
      svc("a", { requestRate: 2, p95Ms: 10 }),
      svc("c", { requestRate: 0.5, p95Ms: 200 }),
      svc("heartbeats", { basis: null, spanCount: null, lastSpanAt: null }),
    ];
    expect(names(sortServices(services, { key: "rate", direction: "desc" }))).toEqual(["a", "b", "c", "heartbeats", "idle"]);
    expect(names(sortServices(services, { key: "rate", direction: "asc" }))).toEqual(["c", "a", "b", "heartbeats", "idle"]);
    expect(names(sortServices(services, { key: "p95", direction: "desc" }))).toEqual(["c", "b", "a", "heartbeats", "idle"]);
    expect(names(sortServices(services, { key: "p95", direction: "asc" }))).toEqual(["a", "b", "c", "heartbeats", "idle"]);
  });

  it("sorts by error percentage, p50 and p99", () => {
    const services = [
      svc("a", { errorPercent: 0, p50Ms: 3, p99Ms: 90 }),
      svc("b", { errorPercent: 12.5, p50Ms: 1, p99Ms: 40 }),
      svc("c", { errorPercent: 1, p50Ms: 2, p99Ms: 400 }),
    ];
    expect(names(sortServices(services, { key: "errors", direction: "desc" }))).toEqual(["b", "c", "a"]);
    expect(names(sortServices(services, { key: "p50", direction: "desc" }))).toEqual(["a", "c", "b"]);
    expect(names(sortServices(services, { key: "p99", direction: "asc" }))).toEqual(["b", "a", "c"]);
  });

  it("puts services with instances not healthy first, then those with more instances", () => {
    const services = [
      svc("all-good", { instances: { healthy: 5, degraded: 0, unhealthy: 0, total: 5 } }),
      svc("one-down", { instances: { healthy: 1, degraded: 0, unhealthy: 1, total: 2 } }),
      svc("two-down", { instances: { healthy: 0, degraded: 1, unhealthy: 1, total: 2 } }),
      svc("none", {}),
    ];
    expect(names(sortServices(services, { key: "instances", direction: "desc" }))).toEqual([
      "two-down",
      "one-down",
      "all-good",
      "none",
    ]);
  });

  it("sorts by live breakers, then stale ones", () => {
    const services = [
      svc("stale", { breakers: [breaker("unhealthy"), breaker("unhealthy")] }),
      svc("live", { breakers: [breaker("healthy")] }),
      svc("none"),
    ];
    expect(names(sortServices(services, { key: "breakers", direction: "desc" }))).toEqual(["live", "stale", "none"]);
    expect(countLiveBreakers(services[0])).toBe(0);
    expect(countLiveBreakers(services[1])).toBe(1);
  });

  it("returns a copy and leaves the input alone", () => {
    const services = [svc("b", { requestRate: 1 }), svc("a", { requestRate: 2 })];
    sortServices(services, { key: "rate", direction: "desc" });
    expect(names(services)).toEqual(["b", "a"]);
  });
});

describe("nextSort", () => {
  it("flips the direction of the active column", () => {
    expect(nextSort({ key: "rate", direction: "desc" }, "rate")).toEqual({ key: "rate", direction: "asc" });
    expect(nextSort({ key: "name", direction: "asc" }, "name")).toEqual({ key: "name", direction: "desc" });
  });

  it("starts a new column in its natural direction", () => {
    expect(nextSort({ key: "name", direction: "asc" }, "p95")).toEqual({ key: "p95", direction: "desc" });
    expect(nextSort({ key: "errors", direction: "asc" }, "name")).toEqual({ key: "name", direction: "asc" });
  });
});
