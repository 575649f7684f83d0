"use client";

import { useIsFetching } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { PauseIcon, PlayIcon } from "@/components/ui/icons";
import {
  DEFAULT_REFRESH_INTERVAL_MS,
  formatRefreshInterval,
  parseRefreshParam,
  REFRESH_PARAM,
  type RefreshInterval,
  serializeRefreshParam,
} from "@/lib/ui/refresh-interval";
import { replaceSearchParams } from "@/lib/ui/replace-search-params";

/**
 * Live / paused indicator and toggle for the dashboard's polling. The setting lives in the
 * URL (?refresh=off), which every data hook reads; this control only edits it.
 */
export function RefreshControl() {
  const interval = parseRefreshParam(useSearchParams().get(REFRESH_PARAM));
  return <RefreshControlView interval={interval} isInteractive />;
}

export function RefreshControlView({ interval, isInteractive }: { interval: RefreshInterval; isInteractive: boolean }) {
  const isFetching = useIsFetching() > 0;
  const isLive = interval !== false;

  function handleToggle() {
    replaceSearchParams({ [REFRESH_PARAM]: serializeRefreshParam(isLive ? false : DEFAULT_REFRESH_INTERVAL_MS) });
  }

  return (
    <div role="group" aria-label="Data refresh" className="flex items-center rounded-md border border-line bg-panel text-xs">
      <span className="flex items-center gap-2 px-2.5 py-1.5" data-testid="refresh-status">
        <span aria-hidden="true" className="relative flex size-2">
          {isLive && <span className="absolute inline-flex size-full animate-pulse-dot rounded-full bg-ok" />}
          <span className={`relative inline-flex size-2 rounded-full ${isLive ? "bg-ok" : "bg-faint"}`} />
        </span>
        <span className={isLive ? "font-medium text-ink" : "text-muted"}>{isLive ? "Live" : "Paused"}</span>
        {isLive && <span className="text-faint tabular-nums">every {formatRefreshInterval(interval)}</span>}
        <span
          aria-hidden="true"
          className={`size-1.5 rounded-full bg-accent transition-opacity duration-300 ${isFetching ? "opacity-100" : "opacity-0"}`}
          title="Fetching"
        />
      </span>
      <button
        type="button"
        onClick={handleToggle}
        disabled={!isInteractive}
        className="flex items-center gap-1.5 border-l border-line px-2.5 py-1.5 font-medium text-ink-soft hover:bg-panel-raised hover:text-ink disabled:opacity-60"
      >
        {isLive ? <PauseIcon className="size-3.5" /> : <PlayIcon className="size-3.5" />}
        {isLive ? "Pause" : "Resume"}
        <span className="sr-only"> live refresh</span>
      </button>
    </div>
  );
}
