import { describe, expect, it } from "vitest";
import { ZERO_TRAFFIC } from "./assemble-topology";
import { buildGraphExport, exportFileName } from "./export-graph";

describe("buildGraphExport", () => {
  it("writes the window, focus, nodes and edges with their health and breaker summary", () => {
    const stats = { calls: 10, errors: 2, rps: 0.5, errorRate: 0.2, p50Ms: 1, p95Ms: 2, p99Ms: 3 };
    const exported = buildGraphExport(
      {
        fromMs: Date.UTC(2026, 10, 21, 10),
        toMs: Date.UTC(2026, 10, 21, 11),
        nodes: [{ id: "orders", isVirtual: false, stats: ZERO_TRAFFIC, instances: { healthy: 1, degraded: 0, unhealthy: 0 } }],
        edges: [
          {
            source: "orders",
            target: "payments",
            isVirtual: false,
            stats,
            breakers: [
              { state: "closed", isStale: false, count: 1 },
              { state: "open", isStale: false, count: 1 },
            ],
          },
        ],
      },
      { node: "orders", hops: 2 },
    );
    expect(exported).toEqual({
      format: "breakwater-topology",
      version: 1,
      window: { from: "2026-11-21T10:00:00.000Z", to: "2026-11-21T11:00:00.000Z" },
      focus: { node: "orders", hops: 2 },
      nodes: [
        {
          id: "orders",
          isVirtual: false,
          stats: ZERO_TRAFFIC,
          instances: { healthy: 1, degraded: 0, unhealthy: 0 },
          health: "no_traffic",
        },
      ],
      edges: [
        {
          source: "orders",
          target: "payments",
          isVirtual: false,
          stats,
          breakers: [
            { state: "closed", isStale: false, count: 1 },
            { state: "open", isStale: false, count: 1 },
          ],
          health: "failing",
          breakerSummary: "open 1/2",
        },
      ],
    });
  });

  it("names files by the time, without characters file systems refuse", () => {
    expect(exportFileName("png", Date.UTC(2026, 10, 21, 10, 5, 7, 123))).toBe("breakwater-topology-2026-11-21T10-05-07Z.png");
  });
});
