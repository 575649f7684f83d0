import { describe, expect, it } from "vitest";
import type { DiscoveryInstance, DiscoveryRoute } from "./contract";
import { canonicalJson, computeDiscoveryVersion } from "./discovery-version";

const instances: DiscoveryInstance[] = [
  { instanceId: "orders-2", service: "orders", version: "v2", address: "http://127.0.0.1:8102", status: "healthy" },
  { instanceId: "catalog-1", service: "catalog", version: "v1", address: "http://127.0.0.1:8201", status: "degraded" },
  { instanceId: "orders-1", service: "orders", version: "v1", address: "http://127.0.0.1:8101", status: "healthy" },
];
const routes: DiscoveryRoute[] = [
  {
    id: "orders",
    service: "orders",
    version: 3,
    backends: [
      { version: "v1", weight: 90 },
      { version: "v2", weight: 10 },
    ],
  },
  { id: "catalog", service: "catalog", version: 1, backends: [{ version: "v1", weight: 100 }] },
];

describe("canonicalJson", () => {
  it("sorts keys at every level and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: undefined, b: "x" })).toBe('{"b":"x"}');
  });
});

describe("computeDiscoveryVersion", () => {
  const version = computeDiscoveryVersion({ routes, instances });

  it("is 32 hex digits", () => {
    expect(version).toMatch(/^[0-9a-f]{32}$/);
  });

  it("is equal for equal content, whatever the order of rows and keys", () => {
    const reordered = {
      routes: [...routes].reverse(),
      instances: [...instances].reverse().map(({ status, address, version: v, service, instanceId }) => ({
        status,
        address,
        version: v,
        service,
        instanceId,
      })),
    };
    expect(computeDiscoveryVersion(reordered)).toBe(version);
  });

  it("changes with any field", () => {
    const changedWeight = routes.map((route) =>
      route.id === "orders"
        ? {
            ...route,
            backends: [
              { version: "v1", weight: 80 },
              { version: "v2", weight: 20 },
            ],
          }
        : route,
    );
    const changedStatus = instances.map((instance, index) =>
      index === 0 ? { ...instance, status: "degraded" as const } : instance,
    );
    const versions = new Set([
      version,
      computeDiscoveryVersion({ routes: changedWeight, instances }),
      computeDiscoveryVersion({ routes, instances: changedStatus }),
      computeDiscoveryVersion({ routes, instances: instances.slice(1) }),
      computeDiscoveryVersion({ routes: [], instances: [] }),
    ]);
    expect(versions.size).toBe(5);
  });
});
