"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, useEffect, useMemo, useRef } from "react";
import { AlertIcon } from "@/components/ui/icons";
import type { TraceSpanDto } from "@/lib/query-client/traces-schemas";
import type { SpanTree } from "@/lib/traces/build-span-tree";
import type { CriticalPath, CriticalSegment } from "@/lib/traces/find-critical-path";
import { formatDurationUs, niceTicks } from "@/lib/traces/format-duration";

const ROW_HEIGHT = 28;
const NAME_COLUMN_PX = 320;
const INDENT_PX = 14;
/** Deep traces keep a readable name: indentation stops growing past this. */
const MAX_INDENT_PX = NAME_COLUMN_PX - 140;
const CRITICAL_COLOR = "#fbbf24";

type Props = {
  tree: SpanTree<TraceSpanDto>;
  visible: number[];
  collapsed: ReadonlySet<string>;
  colors: ReadonlyMap<string, string>;
  criticalPath: CriticalPath;
  isCriticalPathShown: boolean;
  selectedSpanId: string | undefined;
  focusedPosition: number;
  onFocusedPositionChange: (position: number) => void;
  onToggle: (spanId: string) => void;
  onSelect: (spanId: string) => void;
};

/**
 * The trace as a virtualized tree of rows (only the rows in view are in the DOM, so 5,000
 * spans scroll smoothly) on a shared time axis. Keyboard: ↑/↓ move, ←/→ collapse/expand
 * (or go to the parent / first child), Home/End, Enter shows the span's details, Space
 * folds or unfolds its subtree.
 */
export function TraceWaterfall(props: Props) {
  const { tree, visible, collapsed, colors, criticalPath, isCriticalPathShown, selectedSpanId, focusedPosition } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const isKeyboardMove = useRef(false);
  const traceStartUs = tree.startUs;
  const traceDurationUs = Math.max(tree.endUs - tree.startUs, 1e-3);
  const ticks = useMemo(() => niceTicks(traceDurationUs, 6).filter((t) => t <= traceDurationUs), [traceDurationUs]);
  const segmentsByNode = useMemo(() => {
    const map = new Map<number, CriticalSegment[]>();
    for (const segment of criticalPath.segments) {
      const list = map.get(segment.nodeIndex);
      if (list === undefined) map.set(segment.nodeIndex, [segment]);
      else list.push(segment);
    }
    return map;
  }, [criticalPath]);

  // The virtualizer re-renders this component on scroll itself; the compiler cannot memoize it, which is fine.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });

  useEffect(() => {
    if (!isKeyboardMove.current) return;
    isKeyboardMove.current = false;
    virtualizer.scrollToIndex(focusedPosition, { align: "auto" });
    // The row may only exist after the scroll has rendered it.
    requestAnimationFrame(() => {
      scrollRef.current?.querySelector<HTMLElement>(`[data-position="${focusedPosition}"]`)?.focus({ preventScroll: true });
    });
  }, [focusedPosition, virtualizer]);

  const pct = (us: number) => `${((us - traceStartUs) / traceDurationUs) * 100}%`;

  function moveTo(position: number) {
    isKeyboardMove.current = true;
    props.onFocusedPositionChange(Math.max(0, Math.min(visible.length - 1, position)));
  }

  function handleKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const node = tree.nodes[visible[focusedPosition]];
    if (node === undefined) return;
    const hasChildren = node.children.length > 0;
    const isCollapsed = collapsed.has(node.span.spanId);
    switch (event.key) {
      case "ArrowDown":
        moveTo(focusedPosition + 1);
        break;
      case "ArrowUp":
        moveTo(focusedPosition - 1);
        break;
      case "Home":
        moveTo(0);
        break;
      case "End":
        moveTo(visible.length - 1);
        break;
      case "PageDown":
        moveTo(focusedPosition + 15);
        break;
      case "PageUp":
        moveTo(focusedPosition - 15);
        break;
      case "ArrowRight":
        if (hasChildren && isCollapsed) props.onToggle(node.span.spanId);
        else if (hasChildren) moveTo(focusedPosition + 1);
        break;
      case "ArrowLeft":
        if (hasChildren && !isCollapsed) props.onToggle(node.span.spanId);
        else if (node.parentIndex !== -1) moveTo(visible.indexOf(node.parentIndex, 0));
        break;
      case "Enter":
        props.onSelect(node.span.spanId);
        break;
      case " ":
        if (hasChildren) props.onToggle(node.span.spanId);
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  return (
    <div className="flex min-h-0 flex-col">
      <div className="flex h-8 shrink-0 items-stretch border-b border-line text-[11px] text-faint">
        <div className="flex shrink-0 items-center px-3 font-medium tracking-wide uppercase" style={{ width: NAME_COLUMN_PX }}>
          Service · operation
        </div>
        <div className="relative mr-16 flex-1" aria-hidden="true">
          {ticks.map((t) => (
            <span
              key={t}
              className="absolute top-1/2 font-mono whitespace-nowrap tabular-nums"
              style={{ left: `${(t / traceDurationUs) * 100}%`, transform: `translate(${t === 0 ? "2px" : "-50%"}, -50%)` }}
            >
              {formatDurationUs(t)}
            </span>
          ))}
        </div>
      </div>
      <div
        ref={scrollRef}
        role="tree"
        aria-label="Spans of the trace"
        onKeyDown={handleKeyDown}
        className="relative max-h-[calc(100vh-300px)] min-h-24 overflow-auto"
        // As tall as the rows, up to the viewport: a short trace leaves no empty box.
        style={{ height: virtualizer.getTotalSize() + 1 }}
        data-testid="waterfall"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const nodeIndex = visible[item.index];
            const node = tree.nodes[nodeIndex];
            const { span } = node;
            const hasChildren = node.children.length > 0;
            const isCollapsed = collapsed.has(span.spanId);
            const isSelected = span.spanId === selectedSpanId;
            const isError = span.statusCode === 2;
            const color = colors.get(span.serviceName) ?? "#8b98a6";
            const segments = isCriticalPathShown ? segmentsByNode.get(nodeIndex) : undefined;
            const widthUs = node.endUs - node.startUs;
            // The service is named where it changes (a hop), so span names get the room.
            const parent = node.parentIndex === -1 ? undefined : tree.nodes[node.parentIndex];
            const isNewService = parent === undefined || parent.span.serviceName !== span.serviceName;
            return (
              <div
                key={span.spanId}
                role="treeitem"
                aria-level={node.depth + 1}
                aria-expanded={hasChildren ? !isCollapsed : undefined}
                aria-selected={isSelected}
                aria-label={`${span.serviceName} ${span.name}, ${formatDurationUs(widthUs)}${isError ? ", error" : ""}`}
                tabIndex={item.index === focusedPosition ? 0 : -1}
                data-position={item.index}
                data-testid="span-row"
                data-span-id={span.spanId}
                onClick={() => {
                  props.onFocusedPositionChange(item.index);
                  props.onSelect(span.spanId);
                }}
                className={[
                  "absolute left-0 flex w-full cursor-pointer items-stretch border-b border-line/40 text-[13px] outline-none focus-visible:bg-accent/10 focus-visible:ring-1 focus-visible:ring-accent focus-visible:ring-inset",
                  isSelected ? "bg-accent/10" : "hover:bg-panel-raised/60",
                ].join(" ")}
                style={{ top: item.start, height: ROW_HEIGHT }}
              >
                <div className="flex shrink-0 items-center gap-1.5 overflow-hidden pr-2" style={{ width: NAME_COLUMN_PX }}>
                  <span className="shrink-0" style={{ width: 8 + Math.min(node.depth * INDENT_PX, MAX_INDENT_PX) }} />
                  {hasChildren ? (
                    <button
                      type="button"
                      tabIndex={-1}
                      aria-label={`${isCollapsed ? "Expand" : "Collapse"} ${span.name}`}
                      data-testid="span-toggle"
                      onClick={(event) => {
                        event.stopPropagation();
                        props.onToggle(span.spanId);
                      }}
                      className="flex size-5 shrink-0 items-center justify-center rounded text-muted hover:bg-line-strong hover:text-ink"
                    >
                      <svg
                        viewBox="0 0 12 12"
                        className={`size-3 transition-transform ${isCollapsed ? "" : "rotate-90"}`}
                        aria-hidden="true"
                      >
                        <path d="M4 2.5 8 6l-4 3.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
                      </svg>
                    </button>
                  ) : (
                    <span className="w-5 shrink-0" />
                  )}
                  <span aria-hidden="true" className="h-4 w-1 shrink-0 rounded-sm" style={{ backgroundColor: color }} />
                  {isError && <AlertIcon className="size-3.5 shrink-0 text-bad" aria-label="Error" />}
                  {isNewService && (
                    <span className="max-w-[40%] shrink-0 truncate font-mono text-[12px] text-muted" title={span.serviceName}>
                      {span.serviceName}
                    </span>
                  )}
                  <span className={`truncate ${isError ? "text-bad" : "text-ink"}`} title={`${span.serviceName} · ${span.name}`}>
                    {span.name}
                  </span>
                  {hasChildren && isCollapsed && (
                    <span className="shrink-0 rounded bg-panel-raised px-1 text-[10px] text-muted tabular-nums">
                      +{node.descendantCount}
                    </span>
                  )}
                </div>
                <div className="relative mr-16 flex-1">
                  {ticks.map((t) => (
                    <span
                      key={t}
                      aria-hidden="true"
                      className="absolute inset-y-0 w-px bg-line/60"
                      style={{ left: `${(t / traceDurationUs) * 100}%` }}
                    />
                  ))}
                  <span
                    aria-hidden="true"
                    className={`absolute top-[7px] h-3.5 rounded-sm ${isError ? "ring-2 ring-bad" : ""}`}
                    style={{
                      left: pct(node.startUs),
                      width: `max(2px, ${(widthUs / traceDurationUs) * 100}%)`,
                      backgroundColor: color,
                      opacity: isCriticalPathShown && segments === undefined ? 0.55 : 0.9,
                    }}
                  />
                  {segments?.map((segment) => (
                    <span
                      key={segment.startUs}
                      aria-hidden="true"
                      data-testid="critical-segment"
                      className="absolute top-[23px] h-[3px] rounded-full"
                      style={{
                        left: pct(segment.startUs),
                        width: `max(2px, ${((segment.endUs - segment.startUs) / traceDurationUs) * 100}%)`,
                        backgroundColor: CRITICAL_COLOR,
                      }}
                    />
                  ))}
                  <span
                    className="absolute top-1/2 ml-1.5 -translate-y-1/2 font-mono text-[11px] whitespace-nowrap text-ink-soft tabular-nums"
                    style={{ left: `calc(${pct(node.endUs)})` }}
                  >
                    {formatDurationUs(widthUs)}
                  </span>
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
