import { describe, expect, it } from "vitest";
import type { OverviewBreaker, OverviewService } from "@/lib/query-client/overview-schemas";
import { summarizeOverview } from "./summarize-overview";

function svc(name: string, fields: Partial<OverviewService> = {}): OverviewService {
  return {
    name,
    basis: null,
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
    spanCount: null,
    lastSpanAt: null,
    ...fields,
  };
}

function breaker(
  direction: OverviewBreaker["direction"],
  state: OverviewBreaker["state"],
  ownerStatus: OverviewBreaker["ownerStatus"] = "healthy",
): OverviewBreaker {
  return {
    direction,
    ownerService: "gateway",
    ownerInstanceId: "gateway-1",
    ownerStatus,
    targetService: "payments",
    targetInstanceId: `payments-${state}`,
    state,
    stateSince: "2026-11-21T10:00:00.000Z",
  };
}

describe("summarizeOverview", () => {
  it("adds up services, instances and spans, and counts each breaker once", () => {
    const open = breaker("outbound", "open");
    const halfOpen = breaker("outbound", "half_open");
    const forced = breaker("outbound", "forced_open");
    const stale = breaker("outbound", "open", "unhealthy");
    const summary = summarizeOverview([
      svc("gateway", {
        requests: 10,
        spanCount: 30,
        instances: { healthy: 2, degraded: 1, unhealthy: 0, total: 3 },
        breakers: [open, halfOpen, forced, stale],
      }),
      svc("payments", {
        spanCount: 5,
        instances: { healthy: 1, degraded: 0, unhealthy: 1, total: 2 },
        breakers: [open, halfOpen, forced, stale].map((b) => ({ ...b, direction: "inbound" as const })),
      }),
      svc("heartbeats-only", { instances: { healthy: 1, degraded: 0, unhealthy: 0, total: 1 } }),
    ]);
    expect(summary).toEqual({
      serviceCount: 3,
      activeCount: 1,
      instances: { healthy: 4, degraded: 1, unhealthy: 1, total: 6 },
      breakers: { open: 2, halfOpen: 1, stale: 1 },
      spanCount: 35,
    });
  });

  it("is all zeros for no services", () => {
    expect(summarizeOverview([])).toMatchObject({ serviceCount: 0, activeCount: 0, spanCount: 0 });
  });
});
