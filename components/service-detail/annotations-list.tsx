"use client";

import { BreakerStateBadge } from "@/components/breakers/breaker-state-display";
import { ErrorPanel } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { Skeleton } from "@/components/ui/skeleton";
import type { AnnotationMarker, BreakerSpell } from "@/lib/service-detail/place-annotations";
import { formatClock } from "@/lib/ui/format-time";
import { describeTimeRange, type TimeRange } from "@/lib/ui/time-range";
import { ANNOTATION_TONE_COLOR, SPELL_FILL } from "./chart-colors";

/**
 * The charts' annotations as text: each numbered marker with its time and what happened
 * (weight changes with old → new weights, breaker transitions with their reasons), and a
 * key to the lines and shading. Every value is rendered as plain text.
 */
export function AnnotationsList({
  markers,
  spells,
  range,
  isTruncated,
  status,
  errorMessage,
  onRetry,
}: {
  markers: readonly AnnotationMarker[];
  spells: readonly BreakerSpell[];
  range: TimeRange;
  isTruncated: boolean;
  status: "pending" | "error" | "ready";
  errorMessage?: string;
  onRetry: () => void;
}) {
  let body;
  if (status === "pending") {
    body = (
      <div role="status" aria-label="Loading changes" className="space-y-2 px-4 py-3">
        <Skeleton className="h-5 w-2/3" />
        <Skeleton className="h-5 w-1/2" />
      </div>
    );
  } else if (status === "error") {
    body = (
      <ErrorPanel
        title="Could not load weight changes and breaker transitions"
        message={errorMessage ?? ""}
        onRetry={onRetry}
        isRetrying={false}
      />
    );
  } else if (markers.length === 0) {
    body = (
      <p className="px-4 py-3 text-sm text-muted" data-testid="annotations-empty">
        No route weight changes or breaker transitions in {describeTimeRange(range)}.
      </p>
    );
  } else {
    body = (
      <ol className="divide-y divide-line" data-testid="annotations-list">
        {markers.map((marker) => (
          <li
            key={marker.number}
            className="flex gap-3 px-4 py-2.5 text-sm"
            data-testid="annotation-item"
            data-kind={marker.kind}
          >
            <span
              aria-label={`Marker ${marker.number}`}
              className="mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full border text-[10px] font-semibold"
              style={{ borderColor: ANNOTATION_TONE_COLOR[marker.tone], color: ANNOTATION_TONE_COLOR[marker.tone] }}
            >
              {marker.number}
            </span>
            <div className="min-w-0 flex-1">
              <p className="text-xs text-faint tabular-nums">
                <time dateTime={new Date(marker.atMs).toISOString()}>{formatClock(marker.atMs, true)}</time>
                {marker.events.length > 1
                  ? ` · ${marker.events.length} ${marker.kind === "route" ? "weight changes" : "breaker transitions"}`
                  : ""}
              </p>
              <ul className="mt-0.5 space-y-1">
                {marker.events.map((event, index) =>
                  event.kind === "route" ? (
                    <li key={index} className="text-ink-soft">
                      <span className="font-medium text-ink">Weights of route {event.routeId}</span> (v{event.routeVersion}):{" "}
                      {event.weights}
                      <span className="text-faint">
                        {" "}
                        · by {event.actor}
                        {event.reason === null ? "" : ` · ${event.reason}`}
                      </span>
                    </li>
                  ) : (
                    <li key={index} className="flex flex-wrap items-center gap-x-1.5 gap-y-1 text-ink-soft">
                      <span className="font-mono text-xs break-all text-ink">
                        {event.ownerInstanceId} → {event.targetInstanceId}
                      </span>
                      <BreakerStateBadge state={event.fromState} size="sm" />
                      <span aria-label="to" className="text-faint">
                        →
                      </span>
                      <BreakerStateBadge state={event.toState} size="sm" />
                      {event.reason !== null && <span className="text-faint break-all">{event.reason}</span>}
                    </li>
                  ),
                )}
              </ul>
            </div>
          </li>
        ))}
      </ol>
    );
  }

  return (
    <Panel labelledBy="annotations-title">
      <PanelHeader id="annotations-title" title="Changes on the charts">
        <AnnotationKey hasSpells={spells.length > 0} />
      </PanelHeader>
      {isTruncated && (
        <p className="border-b border-line px-4 py-2 text-xs text-warn">
          More changes happened in this range than one request returns; the oldest are left out. Pick a shorter range.
        </p>
      )}
      {body}
    </Panel>
  );
}

function AnnotationKey({ hasSpells }: { hasSpells: boolean }) {
  return (
    <ul className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted" aria-label="Key">
      <li className="flex items-center gap-1.5">
        <svg aria-hidden="true" width="10" height="14">
          <line x1="5" y1="0" x2="5" y2="14" stroke={ANNOTATION_TONE_COLOR.info} strokeWidth="1.5" strokeDasharray="4 3" />
        </svg>
        Weight change
      </li>
      <li className="flex items-center gap-1.5">
        <svg aria-hidden="true" width="10" height="14">
          <line x1="5" y1="0" x2="5" y2="14" stroke={ANNOTATION_TONE_COLOR.bad} strokeWidth="1.5" />
        </svg>
        Breaker transition (colour of the new state)
      </li>
      {hasSpells && (
        <>
          <li className="flex items-center gap-1.5">
            <span
              aria-hidden="true"
              className="inline-block h-3 w-4 rounded-sm"
              style={{ backgroundColor: SPELL_FILL.open, outline: "1px solid rgba(248,113,113,0.4)" }}
            />
            A breaker open
          </li>
          <li className="flex items-center gap-1.5">
            <span
              aria-hidden="true"
              className="inline-block h-3 w-4 rounded-sm"
              style={{ backgroundColor: SPELL_FILL.half_open, outline: "1px solid rgba(251,191,36,0.4)" }}
            />
            Half-open
          </li>
        </>
      )}
    </ul>
  );
}
