import { describe, expect, it } from "vitest";
import type { DiscoveryInstance } from "../../../lib/control/contract";
import { holdEmptiedServices } from "./hold-emptied-services";

const instance = (instanceId: string, service: string, status: DiscoveryInstance["status"] = "healthy"): DiscoveryInstance => ({
  instanceId,
  service,
  version: "v1",
  address: `http://127.0.0.1/${instanceId}`,
  status,
});

describe("holdEmptiedServices", () => {
  it("takes the offered instances as they are while every service keeps at least one", () => {
    const inUse = [instance("orders-1", "orders"), instance("orders-2", "orders"), instance("catalog-1", "catalog")];
    const offered = [instance("orders-2", "orders"), instance("catalog-1", "catalog", "degraded")];
    expect(holdEmptiedServices(inUse, offered, ["orders", "catalog"])).toEqual({ instances: offered, held: [] });
  });

  it("keeps the instances in use of a service the answer leaves without a usable one, and only of that service", () => {
    const inUse = [instance("orders-1", "orders"), instance("orders-2", "orders"), instance("catalog-1", "catalog")];
    const offered = [instance("catalog-2", "catalog"), instance("orders-1", "orders", "unhealthy")];
    expect(holdEmptiedServices(inUse, offered, ["orders", "catalog"])).toEqual({
      instances: [instance("catalog-2", "catalog"), instance("orders-1", "orders"), instance("orders-2", "orders")],
      held: ["orders"],
    });
  });

  it("holds nothing for a service that had no instance before (nothing to keep), or that the caller does not call", () => {
    const inUse = [instance("payments-1", "payments")];
    expect(holdEmptiedServices(inUse, [], ["orders"])).toEqual({ instances: [], held: [] });
    expect(holdEmptiedServices([], [], ["orders"])).toEqual({ instances: [], held: [] });
  });

  it("lets go as soon as discovery offers an instance again", () => {
    const held = holdEmptiedServices([instance("orders-1", "orders")], [], ["orders"]);
    expect(held.held).toEqual(["orders"]);
    const back = holdEmptiedServices(held.instances, [instance("orders-3", "orders")], ["orders"]);
    expect(back).toEqual({ instances: [instance("orders-3", "orders")], held: [] });
  });
});
