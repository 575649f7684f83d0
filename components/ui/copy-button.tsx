"use client";

import { useEffect, useState } from "react";
import { CheckIcon, CopyIcon } from "./icons";

type CopyState = "idle" | "copied" | "failed";

const FEEDBACK_MS = 2_000;

/** Copies through a hidden textarea: works where the Clipboard API is missing (plain http on a LAN address). */
function copyWithSelection(text: string): boolean {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  try {
    return document.execCommand("copy");
  } finally {
    area.remove();
  }
}

async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission denied or document not focused: try the selection fallback.
    }
  }
  return copyWithSelection(text);
}

export function CopyButton({ text, label, className = "" }: { text: string; label: string; className?: string }) {
  const [state, setState] = useState<CopyState>("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [state]);

  async function handleClick() {
    setState((await copyText(text)) ? "copied" : "failed");
  }

  return (
    <button
      type="button"
      onClick={handleClick}
      className={`inline-flex shrink-0 items-center gap-1.5 rounded-md border border-line-strong bg-panel-raised px-2 py-1 text-xs font-medium text-ink-soft hover:border-accent/60 hover:text-ink ${className}`}
    >
      {state === "copied" ? <CheckIcon className="size-3.5 text-ok" /> : <CopyIcon className="size-3.5" />}
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Press Ctrl+C" : "Copy"}</span>
      <span className="sr-only"> {label}</span>
    </button>
  );
}
