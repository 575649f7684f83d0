import type { SpanTree, TreeSpanInput } from "./build-span-tree";

/** A stretch of time that one span spent on the critical path. */
export type CriticalSegment = { nodeIndex: number; startUs: number; endUs: number };

export type CriticalPath = {
  /** In time order; together they run from the trace's start to its end, minus idle gaps. */
  segments: CriticalSegment[];
  /** Node indexes with at least one segment. */
  nodeIndexes: Set<number>;
};

type Frame = {
  /** -1 for the virtual parent of all roots, which spans the whole trace. */
  nodeIndex: number;
  startUs: number;
  /** Everything after the cursor is accounted for already. */
  cursorUs: number;
  /** Children by the end of their subtree, latest first. */
  order: number[];
  next: number;
};

/**
 * The chain of spans that determines the trace's end-to-end duration, found by walking back
 * from the trace's end (the approach of Jaeger's critical path, extended to children that
 * outlive their parent):
 *
 * - In a span, the child whose subtree finishes last is what the span was waiting for, so
 *   the path follows it; the time before that child started, back to the span's start, is
 *   explained the same way by the child finishing last before that point, and so on. Time
 *   no child covers is the span's own.
 * - A child that overlaps the part already explained is clipped to it; one that lies wholly
 *   inside that part (a parallel call that finished earlier) is not on the path.
 * - A subtree ends at its latest descendant, so an async child that ends after its parent
 *   (a fire-and-forget call, a consumer) carries the path when it is what finished last.
 * - A span's own segments are clipped to its own start and end: between the end of a parent
 *   and the start of a late child nothing on the path ran, and the path shows a gap.
 *
 * Several roots (orphans) are treated as children of one virtual span covering the trace.
 * Iterative and O(n log n) (a sort of each span's children).
 */
export function findCriticalPath<S extends TreeSpanInput>(tree: SpanTree<S>): CriticalPath {
  const { nodes } = tree;
  const reversed: CriticalSegment[] = [];
  const byLatestEnd = (indexes: number[]) =>
    [...indexes].sort((a, b) => nodes[b].subtreeEndUs - nodes[a].subtreeEndUs || nodes[b].startUs - nodes[a].startUs);

  const emit = (nodeIndex: number, fromUs: number, toUs: number) => {
    if (nodeIndex === -1) return;
    const node = nodes[nodeIndex];
    const startUs = Math.max(fromUs, node.startUs);
    const endUs = Math.min(toUs, node.endUs);
    if (endUs <= startUs) return;
    // Walking backwards: merge with the previous (later) piece of the same span.
    const last = reversed[reversed.length - 1];
    if (last !== undefined && last.nodeIndex === nodeIndex && last.startUs === endUs) last.startUs = startUs;
    else reversed.push({ nodeIndex, startUs, endUs });
  };

  if (nodes.length > 0) {
    const traceEndUs = tree.roots.reduce((latest, root) => Math.max(latest, nodes[root].subtreeEndUs), tree.startUs);
    const stack: Frame[] = [
      { nodeIndex: -1, startUs: tree.startUs, cursorUs: traceEndUs, order: byLatestEnd(tree.roots), next: 0 },
    ];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.next < frame.order.length && frame.cursorUs > frame.startUs) {
        const child = nodes[frame.order[frame.next++]];
        // Started at or after the cursor: it ran alongside a part already explained.
        if (child.startUs >= frame.cursorUs) continue;
        const childEndUs = Math.min(child.subtreeEndUs, frame.cursorUs);
        emit(frame.nodeIndex, childEndUs, frame.cursorUs);
        frame.cursorUs = Math.max(child.startUs, frame.startUs);
        stack.push({
          nodeIndex: child.index,
          startUs: child.startUs,
          cursorUs: childEndUs,
          order: byLatestEnd(child.children),
          next: 0,
        });
        continue;
      }
      emit(frame.nodeIndex, frame.startUs, frame.cursorUs);
      stack.pop();
    }
  }

  const segments = reversed.reverse();
  return { segments, nodeIndexes: new Set(segments.map((segment) => segment.nodeIndex)) };
}
