"use client";

import { type KeyboardEvent, useId, useRef, useState } from "react";
import type { SetupSnippet } from "@/lib/ui/exporter-setup";
import { CodeBlock } from "./code-block";

/** WAI-ARIA tabs: arrow keys move between tabs, Home/End jump, only the active tab is in the Tab order. */
export function SnippetTabs({ snippets }: { snippets: SetupSnippet[] }) {
  const [activeIndex, setActiveIndex] = useState(0);
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const baseId = useId();
  const active = snippets[activeIndex] ?? snippets[0];

  function select(index: number) {
    const wrapped = (index + snippets.length) % snippets.length;
    setActiveIndex(wrapped);
    tabRefs.current[wrapped]?.focus();
  }

  function handleKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const moves: Record<string, number> = {
      ArrowRight: activeIndex + 1,
      ArrowLeft: activeIndex - 1,
      Home: 0,
      End: snippets.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    select(target);
  }

  return (
    <div>
      <div
        role="tablist"
        aria-label="Exporter configuration"
        onKeyDown={handleKeyDown}
        className="flex gap-1 overflow-x-auto border-b border-line"
      >
        {snippets.map((snippet, index) => {
          const isSelected = index === activeIndex;
          return (
            <button
              key={snippet.id}
              ref={(element) => {
                tabRefs.current[index] = element;
              }}
              type="button"
              role="tab"
              id={`${baseId}-tab-${snippet.id}`}
              aria-selected={isSelected}
              aria-controls={`${baseId}-panel`}
              tabIndex={isSelected ? 0 : -1}
              onClick={() => setActiveIndex(index)}
              className={[
                "-mb-px shrink-0 border-b-2 px-3 py-2 text-sm whitespace-nowrap",
                isSelected ? "border-accent font-medium text-ink" : "border-transparent text-muted hover:text-ink",
              ].join(" ")}
            >
              {snippet.label}
            </button>
          );
        })}
      </div>
      <div role="tabpanel" id={`${baseId}-panel`} aria-labelledby={`${baseId}-tab-${active.id}`} tabIndex={0} className="pt-4">
        <p className="mb-3 text-sm text-muted">{active.description}</p>
        <CodeBlock code={active.code} label={`${active.label} configuration`} language={active.language} />
      </div>
    </div>
  );
}
