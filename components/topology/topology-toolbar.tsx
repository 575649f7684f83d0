"use client";

import type { KeyboardEvent } from "react";
import { MAX_FOCUS_HOPS, MIN_FOCUS_HOPS } from "@/lib/topology/focus-graph";
import { SearchIcon } from "./topology-icons";

const controlClass =
  "h-8 rounded-md border border-line-strong bg-panel-raised px-2 text-[13px] text-ink hover:border-accent/60 focus-visible:border-accent disabled:opacity-50";
const HOP_CHOICES = Array.from({ length: MAX_FOCUS_HOPS - MIN_FOCUS_HOPS + 1 }, (_, i) => MIN_FOCUS_HOPS + i);
const WHOLE_GRAPH = "";

/** Focus on one node to N hops (URL state). */
export function FocusControl({
  nodeIds,
  focus,
  hops,
  onChange,
}: {
  nodeIds: readonly string[];
  focus: string | null;
  hops: number;
  onChange: (change: { focus?: string | null; hops?: number }) => void;
}) {
  // A focus from the URL that is not in the graph (any more) stays selectable, so it can be seen and cleared.
  const choices = focus !== null && !nodeIds.includes(focus) ? [focus, ...nodeIds] : nodeIds;
  return (
    <div role="group" aria-label="Focus on a node" className="flex items-center gap-1.5">
      <label htmlFor="topology-focus" className="text-xs text-muted">
        Focus
      </label>
      <select
        id="topology-focus"
        className={`${controlClass} max-w-44`}
        value={focus ?? WHOLE_GRAPH}
        onChange={(event) => onChange({ focus: event.target.value === WHOLE_GRAPH ? null : event.target.value })}
      >
        <option value={WHOLE_GRAPH}>Whole graph</option>
        {choices.map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        ))}
      </select>
      <label htmlFor="topology-hops" className="sr-only">
        Hops around the focus
      </label>
      <select
        id="topology-hops"
        className={controlClass}
        value={hops}
        disabled={focus === null}
        onChange={(event) => onChange({ hops: Number(event.target.value) })}
      >
        {HOP_CHOICES.map((choice) => (
          <option key={choice} value={choice}>
            {choice} {choice === 1 ? "hop" : "hops"}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * Node search: matches are highlighted on the graph and the rest dimmed; Enter selects the
 * next match and brings it into view (Shift+Enter the previous), Escape clears.
 */
export function NodeSearch({
  query,
  matchCount,
  onQueryChange,
  onStep,
}: {
  query: string;
  matchCount: number;
  onQueryChange: (query: string) => void;
  onStep: (step: 1 | -1) => void;
}) {
  function handleKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter") {
      event.preventDefault();
      onStep(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape" && query !== "") {
      event.preventDefault();
      onQueryChange("");
    }
  }
  const isSearching = query.trim() !== "";
  return (
    <div className="flex items-center gap-2">
      <div className="relative">
        <SearchIcon className="pointer-events-none absolute top-1/2 left-2 size-3.5 -translate-y-1/2 text-faint" />
        <input
          type="search"
          value={query}
          onChange={(event) => onQueryChange(event.target.value)}
          onKeyDown={handleKeyDown}
          placeholder="Search nodes"
          aria-label="Search nodes"
          aria-describedby="topology-search-hint"
          className={`${controlClass} w-44 pl-7`}
        />
      </div>
      <span id="topology-search-hint" className="text-xs whitespace-nowrap text-faint tabular-nums" aria-live="polite">
        {isSearching ? `${matchCount} ${matchCount === 1 ? "match" : "matches"}` : ""}
        <span className="sr-only">Enter goes to the next match, Shift+Enter to the previous, Escape clears.</span>
      </span>
    </div>
  );
}
