import { describe, expect, it } from "vitest";
import { layoutGraph, layoutKey, NODE_HEIGHT, NODE_WIDTH, routePath } from "./layout-graph";

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
});

describe("layoutGraph", () => {
  const layout = layoutGraph(ids, edges);

  it("places callers left of the services they call", () => {
    const x = (id: string) => layout.nodes.get(id)!.x;
    for (const edge of edges) expect(x(edge.source), `${edge.source} → ${edge.target}`).toBeLessThan(x(edge.target));
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
      expect(route.label.x).toBeGreaterThan(layout.nodes.get(edge.source)!.x + NODE_WIDTH);
      expect(route.label.x).toBeLessThan(layout.nodes.get(edge.target)!.x);
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
