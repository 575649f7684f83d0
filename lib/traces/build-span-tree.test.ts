import { describe, expect, it } from "vitest";
import { buildSpanTree, listVisibleNodes } from "./build-span-tree";

const span = (spanId: string, parentSpanId: string | undefined, startTimeUs: number, durationUs = 10) => ({
  spanId,
  parentSpanId,
  startTimeUs,
  durationNs: durationUs * 1_000,
});

const ids = (tree: ReturnType<typeof buildSpanTree>, indexes: number[] = tree.nodes.map((n) => n.index)) =>
  indexes.map((i) => tree.nodes[i].span.spanId);

describe("buildSpanTree", () => {
  it("orders depth-first with children by start time, whatever the input order", () => {
    const tree = buildSpanTree([
      span("b", "root", 30),
      span("a2", "a", 25),
      span("root", undefined, 0, 100),
      span("a", "root", 10),
      span("a1", "a", 12),
    ]);
    expect(ids(tree)).toEqual(["root", "a", "a1", "a2", "b"]);
    expect(tree.nodes.map((n) => n.depth)).toEqual([0, 1, 2, 2, 1]);
    expect(tree.nodes[0].descendantCount).toBe(4);
    expect(tree.nodes[1].descendantCount).toBe(2);
    expect(ids(tree, tree.nodes[0].children)).toEqual(["a", "b"]);
    expect(tree.nodes[2].parentIndex).toBe(1);
    expect(tree.startUs).toBe(0);
    expect(tree.endUs).toBe(100);
  });

  it("bubbles the latest end up as subtreeEndUs", () => {
    const tree = buildSpanTree([span("root", undefined, 0, 100), span("c", "root", 50, 10), span("late", "c", 55, 200)]);
    expect(tree.nodes.map((n) => n.subtreeEndUs)).toEqual([255, 255, 255]);
    expect(tree.nodes[0].endUs).toBe(100);
    expect(tree.endUs).toBe(255);
  });

  it("makes spans with a missing parent roots marked as orphans", () => {
    const tree = buildSpanTree([span("root", undefined, 0), span("lost", "gone", 5), span("child", "lost", 6)]);
    expect(ids(tree, tree.roots)).toEqual(["root", "lost"]);
    expect(tree.nodes.map((n) => n.isOrphan)).toEqual([false, true, false]);
  });

  it("keeps the first of duplicate ids and breaks parent cycles, so each span appears once", () => {
    const tree = buildSpanTree([
      span("x", "y", 1),
      span("y", "x", 2),
      span("dup", undefined, 3),
      span("dup", undefined, 4),
      span("self", "self", 5),
    ]);
    expect(ids(tree).sort()).toEqual(["dup", "self", "x", "y"]);
    expect(tree.nodes.find((n) => n.span.spanId === "y")?.parentIndex).toBe(tree.nodes.findIndex((n) => n.span.spanId === "x"));
  });

  it("builds a 5,000-span tree", () => {
    const spans = [span("root", undefined, 0, 10_000)];
    for (let i = 1; i < 5_000; i++) spans.push(span(`s${i}`, i < 50 ? "root" : `s${i % 50 || 1}`, i));
    const tree = buildSpanTree(spans);
    expect(tree.nodes).toHaveLength(5_000);
    expect(tree.nodes[0].descendantCount).toBe(4_999);
  });
});

describe("listVisibleNodes", () => {
  const tree = buildSpanTree([
    span("root", undefined, 0, 100),
    span("a", "root", 10),
    span("a1", "a", 12),
    span("a11", "a1", 13),
    span("b", "root", 30),
  ]);

  it("lists everything when nothing is collapsed", () => {
    expect(ids(tree, listVisibleNodes(tree, new Set()))).toEqual(["root", "a", "a1", "a11", "b"]);
  });

  it("hides a collapsed span's descendants but keeps the span", () => {
    expect(ids(tree, listVisibleNodes(tree, new Set(["a"])))).toEqual(["root", "a", "b"]);
    expect(ids(tree, listVisibleNodes(tree, new Set(["a1", "root"])))).toEqual(["root"]);
  });
});
