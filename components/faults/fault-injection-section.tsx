"use client";

import { useId, useState } from "react";
import { Panel } from "@/components/ui/panel";
import { FaultPanel } from "./fault-panel";

/**
 * The Breakers page's entry to fault injection: a section that opens in place (not a modal),
 * so the breakers below stay in view while a fault trips them.
 */
export function FaultInjectionSection() {
  const [isOpen, setIsOpen] = useState(false);
  const bodyId = useId();
  return (
    <Panel labelledBy="fault-injection-title" className="mb-4">
      <div className="flex min-h-12 flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-2.5">
        <div className="min-w-0">
          <h2 id="fault-injection-title" className="text-sm font-semibold text-ink">
            Fault injection
          </h2>
          <p className="text-xs text-muted">
            Add latency, errors or hangs to a demo instance and watch its callers&apos; breakers react. Operators only.
          </p>
        </div>
        <button
          type="button"
          aria-expanded={isOpen}
          aria-controls={bodyId}
          onClick={() => setIsOpen((open) => !open)}
          className="rounded-md border border-line-strong bg-panel-raised px-3 py-1.5 text-sm font-medium text-ink hover:border-accent/60"
        >
          {isOpen ? "Hide fault controls" : "Show fault controls"}
        </button>
      </div>
      {isOpen && (
        <div id={bodyId} className="border-t border-line">
          <FaultPanel tableMaxHeightClass="max-h-[min(360px,45vh)]" />
        </div>
      )}
    </Panel>
  );
}
