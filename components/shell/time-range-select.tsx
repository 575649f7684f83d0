"use client";

import { useSearchParams } from "next/navigation";
import { type FormEvent, useState } from "react";
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
} from "@/lib/ui/time-range";

const controlClass =
  "h-8 rounded-md border border-line-strong bg-panel-raised px-2 text-[13px] text-ink hover:border-accent/60 focus-visible:border-accent disabled:opacity-60";
const CUSTOM_VALUE = "custom";

/** `<input type="datetime-local">` speaks the browser's local time, without a zone. */
function toLocalInput(ms: number): string {
  const local = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/**
 * The page's time range (`?range=`, `?from=`, `?to=`), read from and written to the URL in
 * place, so every query keyed on it follows. Presets apply at once; a custom range applies
 * with Apply (or Enter) once both ends are valid.
 */
export function TimeRangeSelect() {
  const { range } = parseTimeRange(useSearchParams());
  const key = range.kind === "custom" ? `${range.fromMs}-${range.toMs}` : range.preset;
  return (
    <TimeRangeSelectView
      key={key}
      range={range}
      onChange={(next) => replaceSearchParams(serializeTimeRange(next))}
      isInteractive
    />
  );
}

/** Fallback while the URL is not readable yet (Suspense around useSearchParams). */
export function TimeRangeSelectPlaceholder() {
  return <TimeRangeSelectView range={DEFAULT_TIME_RANGE} onChange={() => {}} isInteractive={false} />;
}

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
  const [fromDraft, setFromDraft] = useState<string | null>(null);
  const [toDraft, setToDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fromValue = fromDraft ?? (range.kind === "custom" && isClient ? toLocalInput(range.fromMs) : "");
  const toValue = toDraft ?? (range.kind === "custom" && isClient ? toLocalInput(range.toMs) : "");

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
    setError(null);
    setFromDraft(null);
    setToDraft(null);
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
              aria-describedby={error !== null ? "time-range-error" : undefined}
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
              aria-describedby={error !== null ? "time-range-error" : undefined}
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
            <span id="time-range-error" role="alert" className="text-bad">
              {error}
            </span>
          )}
        </form>
      )}
    </div>
  );
}
