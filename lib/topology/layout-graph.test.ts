import { describe, expect, it } from "vitest";
import { layoutGraph, layoutInDirection, layoutKey, NODE_HEIGHT, NODE_WIDTH, parseLayoutKey, routePath } from "./layout-graph";

const ids = ["card-network", "catalog", "gateway", "inventory", "loadgen", "orders", "payments", "postgresql"];
const edges = [
  ["loadgen", "gateway"],
  ["gateway", "catalog"],
  ["gateway", "orders"],
  ["orders", "inventory"],
  ["inventory", "postgresql"],
  ["orders", "payments"],
  ["payments", "card-network"],
].map(([source, target]) => ({ source, target }));

describe("layoutKey", () => {
  it("depends on the node and edge sets only, not their order", () => {
    expect(layoutKey([...ids].reverse(), [...edges].reverse())).toBe(layoutKey(ids, edges));
    expect(layoutKey(ids, edges.slice(1))).not.toBe(layoutKey(ids, edges));
    expect(layoutKey([...ids, "notifier"], edges)).not.toBe(layoutKey(ids, edges));
  });

  it("gives back the graph it was made from", () => {
    const parsed = parseLayoutKey(layoutKey(ids, edges));
    expect(parsed.nodeIds).toEqual([...ids].sort());
    expect(layoutKey(parsed.nodeIds, parsed.edges)).toBe(layoutKey(ids, edges));
    expect(parseLayoutKey(layoutKey(['a"]', "b"], [{ source: 'a"]', target: "b" }])).edges).toEqual([
      { source: 'a"]', target: "b" },
    ]);
  });
});

describe("layoutGraph", () => {
  const layout = layoutGraph(ids, edges);

  it("lays a long call chain out top to bottom, callers above the services they call", () => {
    expect(layout.direction).toBe("TB");
    const y = (id: string) => layout.nodes.get(id)!.y;
    for (const edge of edges) expect(y(edge.source), `${edge.source} → ${edge.target}`).toBeLessThan(y(edge.target));
  });

  it("lays a wide fan-out left to right, callers left of the services they call", () => {
    const callees = Array.from({ length: 8 }, (_, i) => `svc-${i}`);
    const fanOut = layoutGraph(
      ["gateway", ...callees],
      callees.map((target) => ({ source: "gateway", target })),
    );
    expect(fanOut.direction).toBe("LR");
    for (const callee of callees) expect(fanOut.nodes.get("gateway")!.x).toBeLessThan(fanOut.nodes.get(callee)!.x);
  });

  it("lays out either way on request", () => {
    expect(layoutInDirection(ids, edges, "LR").direction).toBe("LR");
    const across = layoutInDirection(ids, edges, "LR");
    for (const edge of edges) expect(across.nodes.get(edge.source)!.x).toBeLessThan(across.nodes.get(edge.target)!.x);
  });

  it("never overlaps two nodes", () => {
    const boxes = [...layout.nodes.values()];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const apart = Math.abs(boxes[i].x - boxes[j].x) >= NODE_WIDTH || Math.abs(boxes[i].y - boxes[j].y) >= NODE_HEIGHT;
        expect(apart).toBe(true);
      }
    }
  });

  it("routes every edge with a label position between its ends", () => {
    expect(layout.edges.size).toBe(edges.length);
    for (const edge of edges) {
      const route = layout.edges.get(JSON.stringify([edge.source, edge.target]))!;
      expect(route.points.length).toBeGreaterThanOrEqual(2);
      expect(route.label.y).toBeGreaterThan(layout.nodes.get(edge.source)!.y + NODE_HEIGHT);
      expect(route.label.y).toBeLessThan(layout.nodes.get(edge.target)!.y);
    }
  });

  it("is the same for the same graph given in another order", () => {
    const again = layoutGraph([...ids].reverse(), [...edges].reverse());
    expect([...again.nodes].sort()).toEqual([...layout.nodes].sort());
  });

  it("lays out nodes without edges, and ignores edges to unknown nodes", () => {
    const alone = layoutGraph(["a", "b"], [{ source: "a", target: "zzz" }]);
    expect(alone.nodes.size).toBe(2);
    expect(alone.edges.size).toBe(0);
  });
});

describe("routePath", () => {
  it("draws straight for two points and rounds inner corners", () => {
    expect(routePath([])).toBe("");
    expect(
      routePath([
        { x: 0, y: 0 },
        { x: 10, y: 5 },
      ]),
    ).toBe("M0,0 L10,5");
    expect(
      routePath([
        { x: 0, y: 0 },
        { x: 10, y: 0 },
        { x: 10, y: 10 },
      ]),
    ).toBe("M0,0 L5,0 Q10,0 10,5 L10,10");
  });
});
