import { describe, expect, it } from "vitest";
import { buildSpanTree } from "./build-span-tree";
import { findCriticalPath } from "./find-critical-path";

type Row = [id: string, parent: string | undefined, startUs: number, endUs: number];

/** Spans from [id, parent, start µs, end µs] rows. */
const spans = (rows: Row[]) =>
  rows.map(([spanId, parentSpanId, startTimeUs, endUs]) => ({
    spanId,
    parentSpanId,
    startTimeUs,
    durationNs: (endUs - startTimeUs) * 1_000,
  }));

/** The path as [span id, start, end] in time order. */
function path(rows: Row[]): [string, number, number][] {
  const tree = buildSpanTree(spans(rows));
  return findCriticalPath(tree).segments.map((s) => [tree.nodes[s.nodeIndex].span.spanId, s.startUs, s.endUs]);
}

describe("findCriticalPath", () => {
  it("is the span itself when it has no children", () => {
    expect(path([["root", undefined, 0, 100]])).toEqual([["root", 0, 100]]);
  });

  it("follows sequential children and gives the gaps between them to the parent", () => {
    expect(
      path([
        ["root", undefined, 0, 100],
        ["a", "root", 10, 40],
        ["b", "root", 50, 90],
      ]),
    ).toEqual([
      ["root", 0, 10],
      ["a", 10, 40],
      ["root", 40, 50],
      ["b", 50, 90],
      ["root", 90, 100],
    ]);
  });

  it("leaves out a parallel child that finished while a longer one was still running", () => {
    expect(
      path([
        ["root", undefined, 0, 100],
        ["long", "root", 10, 80],
        ["short", "root", 20, 60],
      ]),
    ).toEqual([
      ["root", 0, 10],
      ["long", 10, 80],
      ["root", 80, 100],
    ]);
  });

  it("clips an overlapping child to the part the later one does not explain", () => {
    expect(
      path([
        ["root", undefined, 0, 100],
        ["first", "root", 10, 50],
        ["second", "root", 40, 90],
      ]),
    ).toEqual([
      ["root", 0, 10],
      ["first", 10, 40],
      ["second", 40, 90],
      ["root", 90, 100],
    ]);
  });

  it("descends through grandchildren", () => {
    expect(
      path([
        ["root", undefined, 0, 100],
        ["client", "root", 5, 95],
        ["server", "client", 10, 90],
        ["db", "server", 20, 60],
        ["cache", "server", 15, 18],
      ]),
    ).toEqual([
      ["root", 0, 5],
      ["client", 5, 10],
      ["server", 10, 15],
      ["cache", 15, 18],
      ["server", 18, 20],
      ["db", 20, 60],
      ["server", 60, 90],
      ["client", 90, 95],
      ["root", 95, 100],
    ]);
  });

  it("runs through an async child that ends after its parent, to the trace's real end", () => {
    expect(
      path([
        ["root", undefined, 0, 100],
        ["async", "root", 90, 150],
        ["sync", "root", 10, 30],
      ]),
    ).toEqual([
      ["root", 0, 10],
      ["sync", 10, 30],
      ["root", 30, 90],
      ["async", 90, 150],
    ]);
  });

  it("shows a gap where a late child started after its parent had ended", () => {
    expect(
      path([
        ["producer", undefined, 0, 100],
        ["consumer", "producer", 120, 150],
        ["work", "consumer", 125, 140],
      ]),
    ).toEqual([
      ["producer", 0, 100],
      ["consumer", 120, 125],
      ["work", 125, 140],
      ["consumer", 140, 150],
    ]);
  });

  it("prefers the async child's subtree end, not its own end", () => {
    // "a" ends at 60 but its own child runs to 140; "b" ends at 120.
    expect(
      path([
        ["root", undefined, 0, 100],
        ["a", "root", 10, 60],
        ["a1", "a", 50, 140],
        ["b", "root", 20, 120],
      ]),
    ).toEqual([
      ["root", 0, 10],
      ["a", 10, 50],
      ["a1", 50, 140],
    ]);
  });

  it("keeps a child that started before its parent (clock skew) inside the path", () => {
    expect(
      path([
        ["root", undefined, 10, 100],
        ["skewed", "root", 5, 50],
      ]),
    ).toEqual([
      ["skewed", 5, 50],
      ["root", 50, 100],
    ]);
  });

  it("joins several roots (orphans) like children of the whole trace", () => {
    expect(
      path([
        ["early", undefined, 0, 40],
        ["late", "missing-parent", 30, 90],
        ["parallel", "missing-too", 35, 50],
      ]),
    ).toEqual([
      ["early", 0, 30],
      ["late", 30, 90],
    ]);
  });

  it("covers the trace's duration exactly when there are no idle gaps", () => {
    const rows: Row[] = [["root", undefined, 0, 1_000]];
    for (let i = 0; i < 50; i++) rows.push([`c${i}`, "root", 1 + ((i * 37) % 900), 51 + ((i * 37) % 900) + ((i * 13) % 80)]);
    const tree = buildSpanTree(spans(rows));
    const { segments, nodeIndexes } = findCriticalPath(tree);
    const covered = segments.reduce((sum, s) => sum + (s.endUs - s.startUs), 0);
    expect(tree.endUs).toBeGreaterThan(1_000);
    expect(covered).toBe(tree.endUs - tree.startUs);
    for (let i = 1; i < segments.length; i++) expect(segments[i].startUs).toBe(segments[i - 1].endUs);
    expect(nodeIndexes.has(tree.roots[0])).toBe(true);
  });

  it("handles a 10,000-deep chain without recursion", () => {
    const rows: Row[] = [["s0", undefined, 0, 20_000]];
    for (let i = 1; i < 10_000; i++) rows.push([`s${i}`, `s${i - 1}`, i, 20_000 - i]);
    const { segments } = findCriticalPath(buildSpanTree(spans(rows)));
    expect(segments).toHaveLength(2 * 10_000 - 1);
    expect(segments[0]).toMatchObject({ startUs: 0, endUs: 1 });
  });

  it("is empty for an empty trace", () => {
    expect(findCriticalPath(buildSpanTree([])).segments).toEqual([]);
  });
});
