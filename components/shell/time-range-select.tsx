"use client";

import { useSearchParams } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { toLocalDateTimeInput } from "@/lib/ui/format-time";
import { replaceSearchParams } from "@/lib/ui/replace-search-params";
import { useIsHydrated } from "@/lib/ui/use-now";
import {
  DEFAULT_TIME_RANGE,
  isTimeRangePreset,
  parseTimeRange,
  resolveTimeRange,
  serializeTimeRange,
  TIME_RANGE_PRESET_LABELS,
  TIME_RANGE_PRESETS,
  type TimeRange,
  timeRangeQuery,
} from "@/lib/ui/time-range";

const controlClass =
  "h-8 rounded-md border border-line-strong bg-panel-raised px-2 text-[13px] text-ink hover:border-accent/60 focus-visible:border-accent disabled:opacity-60";
const CUSTOM_VALUE = "custom";

/**
 * The page's time range (`?range=`, `?from=`, `?to=`), read from and written to the URL in
 * place, so every query keyed on it follows. Presets apply at once; a custom range applies
 * with Apply (or Enter) once both ends are valid.
 */
export function TimeRangeSelect() {
  const { range } = parseTimeRange(useSearchParams());
  return <TimeRangeSelectView range={range} onChange={(next) => replaceSearchParams(serializeTimeRange(next))} isInteractive />;
}

/** Fallback while the URL is not readable yet (Suspense around useSearchParams). */
export function TimeRangeSelectPlaceholder() {
  return <TimeRangeSelectView range={DEFAULT_TIME_RANGE} onChange={() => {}} isInteractive={false} />;
}

type Draft = { rangeKey: string; from: string | null; to: string | null; error: string | null };

/** The control itself, for forms that keep the range in their own state. */
export function TimeRangeSelectView({
  range,
  onChange,
  isInteractive = true,
}: {
  range: TimeRange;
  onChange: (range: TimeRange) => void;
  isInteractive?: boolean;
}) {
  // Local-time text must not be rendered on the server (its zone is not the viewer's).
  const isClient = useIsHydrated();
  const errorId = useId();
  // Typed but not applied yet; drafts belong to the range they were typed over, so a new range
  // (from the URL, Back, another tab of the control) starts clean. The control itself is not
  // remounted for that: the select keeps the keyboard focus.
  const rangeKey = timeRangeQuery(range);
  const [draft, setDraft] = useState<Draft>({ rangeKey, from: null, to: null, error: null });
  const current = draft.rangeKey === rangeKey ? draft : { rangeKey, from: null, to: null, error: null };
  const error = current.error;
  const fromValue = current.from ?? (range.kind === "custom" && isClient ? toLocalDateTimeInput(range.fromMs) : "");
  const toValue = current.to ?? (range.kind === "custom" && isClient ? toLocalDateTimeInput(range.toMs) : "");
  const setFromDraft = (from: string) => setDraft({ ...current, from });
  const setToDraft = (to: string) => setDraft({ ...current, to });
  const setError = (message: string | null) => setDraft({ ...current, error: message });

  function handleSelect(value: string) {
    setError(null);
    if (isTimeRangePreset(value)) {
      onChange({ kind: "preset", preset: value });
      return;
    }
    // A custom range starts as the window being shown, so editing one end is enough.
    const { startMs, endMs } = resolveTimeRange(range, Date.now());
    onChange({ kind: "custom", fromMs: Math.floor(startMs / 60_000) * 60_000, toMs: Math.ceil(endMs / 60_000) * 60_000 });
  }

  function handleApply(event: FormEvent) {
    event.preventDefault();
    const fromMs = Date.parse(fromValue);
    const toMs = Date.parse(toValue);
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) {
      setError("Enter both the start and the end");
      return;
    }
    if (fromMs >= toMs) {
      setError("The range must end after it starts");
      return;
    }
    setDraft({ rangeKey, from: null, to: null, error: null });
    onChange({ kind: "custom", fromMs, toMs });
  }

  return (
    <div role="group" aria-label="Time range" className="flex flex-wrap items-center gap-2 text-xs text-muted">
      <label className="flex items-center gap-2">
        Time range
        <select
          className={controlClass}
          value={range.kind === "custom" ? CUSTOM_VALUE : range.preset}
          onChange={(event) => handleSelect(event.target.value)}
          disabled={!isInteractive}
        >
          {TIME_RANGE_PRESETS.map((preset) => (
            <option key={preset} value={preset}>
              {TIME_RANGE_PRESET_LABELS[preset].label}
            </option>
          ))}
          <option value={CUSTOM_VALUE}>Custom…</option>
        </select>
      </label>
      {range.kind === "custom" && (
        <form onSubmit={handleApply} className="flex flex-wrap items-center gap-2" aria-label="Custom time range">
          <label className="flex items-center gap-1.5">
            From
            <input
              type="datetime-local"
              className={controlClass}
              value={fromValue}
              onChange={(event) => setFromDraft(event.target.value)}
              aria-invalid={error !== null}
              aria-describedby={error !== null ? errorId : undefined}
              disabled={!isInteractive}
            />
          </label>
          <label className="flex items-center gap-1.5">
            To
            <input
              type="datetime-local"
              className={controlClass}
              value={toValue}
              onChange={(event) => setToDraft(event.target.value)}
              aria-invalid={error !== null}
              aria-describedby={error !== null ? errorId : undefined}
              disabled={!isInteractive}
            />
          </label>
          <button
            type="submit"
            disabled={!isInteractive}
            className="h-8 rounded-md border border-line-strong bg-panel-raised px-3 text-[13px] font-medium text-ink-soft hover:border-accent/60 hover:text-ink"
          >
            Apply
          </button>
          {error !== null && (
            <span id={errorId} role="alert" className="text-bad">
              {error}
            </span>
          )}
        </form>
      )}
    </div>
  );
}
