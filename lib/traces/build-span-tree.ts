/** The fields tree building needs; the UI's span type has more. */
export type TreeSpanInput = {
  spanId: string;
  parentSpanId?: string;
  /** µs since the epoch. */
  startTimeUs: number;
  durationNs: number;
};

export type SpanNode<S extends TreeSpanInput> = {
  span: S;
  /** Position in `nodes` (depth-first pre-order: a parent, then its subtrees by start time). */
  index: number;
  depth: number;
  /** Index of the parent node, -1 for a root. */
  parentIndex: number;
  /** Indexes of the child nodes, by start time. */
  children: number[];
  startUs: number;
  endUs: number;
  /** The latest end in this subtree: later than endUs when a child outlives its parent. */
  subtreeEndUs: number;
  /** Nodes below this one; the subtree occupies nodes[index + 1 … index + descendantCount]. */
  descendantCount: number;
  /** A parent id was set but no span of the trace has it (not arrived yet, or dropped). */
  isOrphan: boolean;
};

export type SpanTree<S extends TreeSpanInput> = {
  nodes: SpanNode<S>[];
  /** Indexes of the root nodes, by start time. */
  roots: number[];
  startUs: number;
  endUs: number;
};

const compareSpans = (a: TreeSpanInput, b: TreeSpanInput) =>
  a.startTimeUs - b.startTimeUs || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);

/**
 * Arranges a trace's spans as a forest in depth-first order. O(n log n): one sort, then
 * linear passes (no recursion, so a 5,000-deep chain is fine). Spans whose parent is missing
 * become roots marked as orphans; a repeated span id keeps its first span; spans caught in
 * a parent cycle are cut loose at their earliest member, so every span appears exactly once.
 */
export function buildSpanTree<S extends TreeSpanInput>(spans: readonly S[]): SpanTree<S> {
  const sorted = [...spans].sort(compareSpans);
  const byId = new Map<string, S>();
  for (const span of sorted) if (!byId.has(span.spanId)) byId.set(span.spanId, span);
  const unique = sorted.filter((span) => byId.get(span.spanId) === span);

  // Children in start order, because `unique` is sorted.
  const childrenOf = new Map<string, S[]>();
  const rootSpans: S[] = [];
  for (const span of unique) {
    const parentId = span.parentSpanId;
    if (parentId !== undefined && parentId !== span.spanId && byId.has(parentId)) {
      const list = childrenOf.get(parentId);
      if (list === undefined) childrenOf.set(parentId, [span]);
      else list.push(span);
    } else {
      rootSpans.push(span);
    }
  }

  const nodes: SpanNode<S>[] = [];
  const roots: number[] = [];
  const visited = new Set<string>();

  const walk = (root: S) => {
    // Explicit stack of [span, parentIndex, depth]; children pushed in reverse so the earliest pops first.
    const stack: [S, number, number][] = [[root, -1, 0]];
    while (stack.length > 0) {
      const [span, parentIndex, depth] = stack.pop()!;
      if (visited.has(span.spanId)) continue;
      visited.add(span.spanId);
      const startUs = span.startTimeUs;
      const endUs = startUs + Math.max(0, span.durationNs) / 1_000;
      const index = nodes.length;
      nodes.push({
        span,
        index,
        depth,
        parentIndex,
        children: [],
        startUs,
        endUs,
        subtreeEndUs: endUs,
        descendantCount: 0,
        isOrphan: parentIndex === -1 && span.parentSpanId !== undefined,
      });
      if (parentIndex === -1) roots.push(index);
      else nodes[parentIndex].children.push(index);
      const children = childrenOf.get(span.spanId) ?? [];
      for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], index, depth + 1]);
    }
  };

  for (const span of rootSpans) walk(span);
  // Whatever is left hangs off a cycle: start each such group at its earliest span.
  for (const span of unique) if (!visited.has(span.spanId)) walk(span);

  // Reverse pre-order visits children before parents: sizes and subtree ends bubble up.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (node.parentIndex === -1) continue;
    const parent = nodes[node.parentIndex];
    parent.descendantCount += node.descendantCount + 1;
    if (node.subtreeEndUs > parent.subtreeEndUs) parent.subtreeEndUs = node.subtreeEndUs;
  }

  let startUs = Number.POSITIVE_INFINITY;
  let endUs = Number.NEGATIVE_INFINITY;
  for (const node of nodes) {
    if (node.startUs < startUs) startUs = node.startUs;
    if (node.endUs > endUs) endUs = node.endUs;
  }
  if (nodes.length === 0) startUs = endUs = 0;
  return { nodes, roots, startUs, endUs };
}

/**
 * The node indexes to draw, in order, when the subtrees of `collapsed` span ids are folded
 * away (the collapsed span itself stays). O(n): a folded subtree is skipped in one step.
 */
export function listVisibleNodes<S extends TreeSpanInput>(tree: SpanTree<S>, collapsed: ReadonlySet<string>): number[] {
  const visible: number[] = [];
  const { nodes } = tree;
  for (let i = 0; i < nodes.length;) {
    visible.push(i);
    i += collapsed.has(nodes[i].span.spanId) ? nodes[i].descendantCount + 1 : 1;
  }
  return visible;
}
