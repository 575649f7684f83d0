import { describe, expect, it } from "vitest";
import { selectEdgeAnnotations } from "./select-edge-annotations";

const transition = (owner: string, ownerService: string, target: string, targetService: string) => ({
  ownerInstanceId: owner,
  ownerService,
  targetInstanceId: target,
  targetService,
  at: "2026-11-22T10:00:00Z",
});

describe("selectEdgeAnnotations", () => {
  const annotations = {
    routeChanges: [{ routeId: "payments" }],
    breakerTransitions: [
      transition("orders-1", "orders", "payments-1", "payments"),
      transition("refunds-1", "refunds", "payments-1", "payments"),
      transition("payments-1", "payments", "bank-1", "bank"),
    ],
    breakerPriorStates: [
      { ownerInstanceId: "orders-1", targetInstanceId: "payments-1", state: "open" },
      { ownerInstanceId: "orders-2", targetInstanceId: "payments-2", state: "open" },
      { ownerInstanceId: "refunds-1", targetInstanceId: "payments-2", state: "half_open" },
    ],
  };

  it("keeps the route changes and only the caller's breakers on the callee", () => {
    const breakers = [
      { ownerInstanceId: "orders-2", ownerService: "orders", targetInstanceId: "payments-2", targetService: "payments" },
    ];
    const selected = selectEdgeAnnotations(annotations, { source: "orders", target: "payments" }, breakers);
    expect(selected.routeChanges).toEqual(annotations.routeChanges);
    expect(selected.breakerTransitions.map((t) => t.ownerInstanceId)).toEqual(["orders-1"]);
    // orders-1 from its transition, orders-2 from the breaker list; never refunds-1.
    expect(selected.breakerPriorStates.map((p) => p.ownerInstanceId)).toEqual(["orders-1", "orders-2"]);
  });

  it("keeps no breaker of another edge", () => {
    const selected = selectEdgeAnnotations(annotations, { source: "gateway", target: "payments" }, []);
    expect(selected.breakerTransitions).toEqual([]);
    expect(selected.breakerPriorStates).toEqual([]);
  });
});
