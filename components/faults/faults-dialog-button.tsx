"use client";

import { useEffect, useRef, useState } from "react";
import { FaultPanel } from "./fault-panel";

/**
 * A small "Faults" action for one instance (the service page's instances table): opens the
 * fault panel for the instance's service in a modal dialog, the instance highlighted. The
 * native <dialog> traps focus, closes on Escape and gives focus back to the button.
 */
export function FaultsDialogButton({ instanceId, service }: { instanceId: string; service: string }) {
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => setIsOpen(true)}
        aria-haspopup="dialog"
        aria-label={`Faults of ${instanceId}`}
        className="rounded-md border border-line-strong bg-panel-raised px-2 py-0.5 text-xs font-medium text-ink-soft hover:border-accent/60 hover:text-ink"
      >
        Faults
      </button>
      {isOpen && <FaultsDialog instanceId={instanceId} service={service} onClose={() => setIsOpen(false)} />}
    </>
  );
}

function FaultsDialog({ instanceId, service, onClose }: { instanceId: string; service: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    dialog.showModal();
    return () => dialog.close();
  }, []);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby="faults-dialog-title"
      data-testid="faults-dialog"
      className="m-auto w-[min(1040px,calc(100vw-2rem))] max-w-none rounded-lg border border-line-strong bg-panel p-0 text-left text-ink shadow-2xl backdrop:bg-canvas/70"
    >
      <div className="flex items-center justify-between gap-4 border-b border-line px-4 py-3">
        <h2 id="faults-dialog-title" className="text-sm font-semibold text-ink">
          Fault injection · {service}
        </h2>
        <button
          type="button"
          onClick={onClose}
          className="rounded-md border border-line-strong bg-panel-raised px-2.5 py-1 text-xs font-medium text-ink-soft hover:border-accent/60 hover:text-ink"
        >
          Close
        </button>
      </div>
      <FaultPanel service={service} highlightInstanceId={instanceId} />
    </dialog>
  );
}
