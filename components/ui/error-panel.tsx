"use client";

import { AlertIcon, RetryIcon } from "./icons";

/** A failed load: what went wrong (the server's message) and a way to try again. */
export function ErrorPanel({
  title,
  message,
  onRetry,
  isRetrying,
}: {
  title: string;
  message: string;
  onRetry: () => void;
  isRetrying: boolean;
}) {
  return (
    <div role="alert" className="flex flex-col items-center gap-3 px-6 py-14 text-center">
      <span className="flex size-10 items-center justify-center rounded-full bg-bad/10 text-bad">
        <AlertIcon className="size-5" />
      </span>
      <div>
        <p className="text-sm font-semibold text-ink">{title}</p>
        <p className="mt-1 max-w-xl text-sm break-words text-muted">{message}</p>
      </div>
      <button
        type="button"
        onClick={onRetry}
        disabled={isRetrying}
        className="mt-1 inline-flex items-center gap-2 rounded-md border border-line-strong bg-panel-raised px-3 py-1.5 text-sm font-medium text-ink hover:border-accent/60 disabled:opacity-60"
      >
        <RetryIcon className={`size-4 ${isRetrying ? "animate-spin" : ""}`} />
        {isRetrying ? "Retrying…" : "Retry"}
      </button>
    </div>
  );
}

/** A refresh that failed while older data is still on screen: say so without hiding the data. */
export function StaleDataBanner({ message, onRetry, isRetrying }: { message: string; onRetry: () => void; isRetrying: boolean }) {
  return (
    <div role="alert" className="flex items-center gap-3 border-b border-warn/20 bg-warn/5 px-4 py-2 text-sm text-ink-soft">
      <AlertIcon className="size-4 shrink-0 text-warn" />
      <p className="min-w-0 flex-1 truncate" title={message}>
        <span className="font-medium text-ink">Refresh failed.</span> Showing the last data received. {message}
      </p>
      <button
        type="button"
        onClick={onRetry}
        disabled={isRetrying}
        className="shrink-0 rounded px-2 py-0.5 font-medium text-accent hover:bg-accent/10 disabled:opacity-60"
      >
        Retry
      </button>
    </div>
  );
}
