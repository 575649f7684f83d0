"use client";

import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import type { ServiceSummary } from "@/lib/query-client/schemas";
import { operationsQueryOptions } from "@/lib/query-client/traces-query";
import { parseAttributeFilter } from "@/lib/traces/parse-attribute-filter";
import { QUICK_FILTERS, VERSION_FILTER_PREFIX, versionFilter } from "@/lib/traces/quick-filters";
import {
  TIME_RANGE_PRESETS,
  TRACE_STATUSES,
  type TimeRange,
  type TraceSearch,
  type TraceStatusFilter,
} from "@/lib/traces/trace-search-params";
import { parseDurationNs } from "@/lib/jaeger/parse-duration";
import { toLocalDateTimeInput } from "@/lib/ui/format-time";

const inputClass =
  "h-8 rounded-md border border-line-strong bg-canvas px-2 text-[13px] text-ink placeholder:text-faint focus:border-accent/70 focus:outline-none";
const labelClass = "flex flex-col gap-1 text-[11px] font-medium tracking-wide text-faint uppercase";

const STATUS_LABELS: Record<TraceStatusFilter, string> = { ok: "OK", error: "Error", unset: "Unset" };

/**
 * The search controls. Pickers apply at once; typed fields (attribute filter, durations,
 * version, custom range) apply on Enter or Search. The draft text is ephemeral UI state; the
 * applied search lives in the URL.
 */
export function TraceSearchForm({
  search,
  services,
  onChange,
  nowMs,
}: {
  search: TraceSearch;
  services: ServiceSummary[];
  onChange: (next: TraceSearch) => void;
  nowMs: number;
}) {
  const operations = useQuery({ ...operationsQueryOptions(search.service ?? ""), enabled: search.service !== undefined });
  const [filterDraft, setFilterDraft] = useState("");
  const [filterError, setFilterError] = useState<string | null>(null);
  const [minDraft, setMinDraft] = useState(search.minDuration ?? "");
  const [maxDraft, setMaxDraft] = useState(search.maxDuration ?? "");
  const [durationError, setDurationError] = useState<string | null>(null);
  const [versionDraft, setVersionDraft] = useState("");
  const custom = search.range.kind === "custom" ? search.range : { fromMs: nowMs - 3_600_000, toMs: nowMs };
  const [fromDraft, setFromDraft] = useState(() => toLocalDateTimeInput(custom.fromMs));
  const [toDraft, setToDraft] = useState(() => toLocalDateTimeInput(custom.toMs));

  const apply = (changes: Partial<TraceSearch>) => onChange({ ...search, ...changes });

  function withFilters(texts: string[]): Partial<TraceSearch> {
    const unique = [...new Set(texts)];
    const filters = unique.map((text) => parseAttributeFilter(text)).flatMap((r) => (r.ok ? [r.filter] : []));
    return { attributeFilterTexts: unique, attributeFilters: filters };
  }

  function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const changes: Partial<TraceSearch> = {};
    const draft = filterDraft.trim();
    if (draft !== "") {
      const parsed = parseAttributeFilter(draft);
      if (!parsed.ok) {
        setFilterError(parsed.error);
        return;
      }
      Object.assign(changes, withFilters([...search.attributeFilterTexts, draft]));
      setFilterDraft("");
    }
    setFilterError(null);
    const version = versionDraft.trim();
    if (version !== "") {
      const texts = changes.attributeFilterTexts ?? search.attributeFilterTexts;
      Object.assign(changes, withFilters([...texts.filter((t) => !t.startsWith(VERSION_FILTER_PREFIX)), versionFilter(version)]));
      setVersionDraft("");
    }
    const min = minDraft.trim();
    const max = maxDraft.trim();
    const minNs = min === "" ? undefined : parseDurationNs(min);
    const maxNs = max === "" ? undefined : parseDurationNs(max);
    if ((min !== "" && minNs === undefined) || (max !== "" && maxNs === undefined)) {
      setDurationError("Use a duration such as 250ms, 1.5s or 40us");
      return;
    }
    if (minNs !== undefined && maxNs !== undefined && minNs > maxNs) {
      setDurationError("The maximum is below the minimum");
      return;
    }
    setDurationError(null);
    Object.assign(changes, {
      minDuration: min === "" ? undefined : min,
      minDurationNs: minNs,
      maxDuration: max === "" ? undefined : max,
      maxDurationNs: maxNs,
    });
    if (search.range.kind === "custom") {
      const fromMs = Date.parse(fromDraft);
      const toMs = Date.parse(toDraft);
      if (Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs <= toMs) changes.range = { kind: "custom", fromMs, toMs };
    }
    apply(changes);
  }

  function handleRangeChange(value: string) {
    const range: TimeRange =
      value === "custom"
        ? { kind: "custom", fromMs: Date.parse(fromDraft) || nowMs - 3_600_000, toMs: Date.parse(toDraft) || nowMs }
        : { kind: "preset", preset: value as (typeof TIME_RANGE_PRESETS)[number] };
    apply({ range });
  }

  const toggleFilter = (text: string) =>
    apply(
      withFilters(
        search.attributeFilterTexts.includes(text)
          ? search.attributeFilterTexts.filter((t) => t !== text)
          : [...search.attributeFilterTexts, text],
      ),
    );

  return (
    <form onSubmit={handleSubmit} aria-label="Trace search" className="flex flex-col gap-3 border-b border-line px-4 py-3">
      <div className="flex flex-wrap items-end gap-3">
        <label className={labelClass}>
          Service
          <select
            className={`${inputClass} w-52`}
            value={search.service ?? ""}
            onChange={(e) => apply({ service: e.target.value, operation: undefined })}
          >
            {search.service === undefined && <option value="">No services yet</option>}
            {services.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className={labelClass}>
          Operation
          <select
            className={`${inputClass} w-48`}
            value={search.operation ?? ""}
            onChange={(e) => apply({ operation: e.target.value === "" ? undefined : e.target.value })}
          >
            <option value="">All operations</option>
            {search.operation !== undefined && !(operations.data ?? []).includes(search.operation) && (
              <option value={search.operation}>{search.operation}</option>
            )}
            {(operations.data ?? []).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className={labelClass}>
          Status
          <select
            className={`${inputClass} w-24`}
            value={search.status ?? ""}
            onChange={(e) => apply({ status: e.target.value === "" ? undefined : (e.target.value as TraceStatusFilter) })}
          >
            <option value="">Any</option>
            {TRACE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </label>
        <label className={labelClass}>
          Min duration
          <input
            className={`${inputClass} w-24`}
            value={minDraft}
            onChange={(e) => setMinDraft(e.target.value)}
            placeholder="e.g. 100ms"
            aria-invalid={durationError !== null}
          />
        </label>
        <label className={labelClass}>
          Max duration
          <input
            className={`${inputClass} w-24`}
            value={maxDraft}
            onChange={(e) => setMaxDraft(e.target.value)}
            placeholder="e.g. 2s"
            aria-invalid={durationError !== null}
          />
        </label>
        <label className={labelClass}>
          Time range
          <select
            className={`${inputClass} w-28`}
            value={search.range.kind === "custom" ? "custom" : search.range.preset}
            onChange={(e) => handleRangeChange(e.target.value)}
          >
            {TIME_RANGE_PRESETS.map((preset) => (
              <option key={preset} value={preset}>
                Last {preset.replace("m", " min").replace("h", " h")}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </label>
        {search.range.kind === "custom" && (
          <>
            <label className={labelClass}>
              From
              <input
                type="datetime-local"
                className={inputClass}
                value={fromDraft}
                onChange={(e) => setFromDraft(e.target.value)}
              />
            </label>
            <label className={labelClass}>
              To
              <input type="datetime-local" className={inputClass} value={toDraft} onChange={(e) => setToDraft(e.target.value)} />
            </label>
          </>
        )}
        <label className={labelClass}>
          Limit
          <select
            className={`${inputClass} w-20`}
            value={String(search.limit)}
            onChange={(e) => apply({ limit: Number(e.target.value) })}
          >
            {[...new Set([20, 50, 100, 200, 500, 1000, search.limit])]
              .sort((a, b) => a - b)
              .map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
          </select>
        </label>
      </div>

      <div className="flex flex-wrap items-end gap-3">
        <label className={`${labelClass} min-w-72 flex-1`}>
          Attribute filter
          <input
            className={`${inputClass} font-mono`}
            value={filterDraft}
            onChange={(e) => {
              setFilterDraft(e.target.value);
              setFilterError(null);
            }}
            placeholder="http.response.status_code=500|503   !breakwater.retry.attempt=0   key>1"
            aria-invalid={filterError !== null}
            aria-describedby="attribute-filter-help"
          />
        </label>
        <label className={labelClass}>
          Chosen version
          <input
            className={`${inputClass} w-24`}
            value={versionDraft}
            onChange={(e) => setVersionDraft(e.target.value)}
            placeholder="e.g. v2"
          />
        </label>
        <button
          type="submit"
          className="h-8 rounded-md bg-accent px-4 text-[13px] font-semibold text-accent-ink hover:bg-accent-strong"
        >
          Search
        </button>
      </div>
      <p id="attribute-filter-help" className="-mt-1 text-xs text-faint">
        {filterError !== null || durationError !== null ? (
          <span role="alert" className="text-bad">
            {filterError ?? durationError}
          </span>
        ) : (
          <>
            <code className="font-mono text-muted">key=a|b</code> any of, <code className="font-mono text-muted">key!=a</code>{" "}
            present but not, <code className="font-mono text-muted">!key=a</code> anything but (absent too),{" "}
            <code className="font-mono text-muted">key</code> / <code className="font-mono text-muted">!key</code> present /
            absent, <code className="font-mono text-muted">key&gt;n</code> numbers. All filters hold on one span of the service.
          </>
        )}
      </p>

      <div className="flex flex-wrap items-center gap-2">
        <span className="text-[11px] font-medium tracking-wide text-faint uppercase">Resilience</span>
        {QUICK_FILTERS.map((quick) => {
          const isActive = search.attributeFilterTexts.includes(quick.filter);
          return (
            <button
              key={quick.id}
              type="button"
              aria-pressed={isActive}
              title={quick.filter}
              onClick={() => toggleFilter(quick.filter)}
              className={[
                "h-7 rounded-full border px-3 text-xs font-medium",
                isActive ? "border-accent/70 bg-accent/15 text-ink" : "border-line-strong text-muted hover:text-ink",
              ].join(" ")}
            >
              {quick.label}
            </button>
          );
        })}
        {search.attributeFilterTexts.length > 0 && <span aria-hidden="true" className="mx-1 h-5 w-px bg-line-strong" />}
        <ul className="flex flex-wrap gap-2" aria-label="Active attribute filters">
          {search.attributeFilterTexts.map((text) => (
            <li
              key={text}
              className="flex h-7 items-center gap-1 rounded-full border border-line-strong bg-panel-raised pr-1 pl-3 font-mono text-xs text-ink-soft"
            >
              <span className="max-w-80 truncate" title={text}>
                {text}
              </span>
              <button
                type="button"
                onClick={() => toggleFilter(text)}
                className="flex size-5 items-center justify-center rounded-full text-faint hover:bg-line-strong hover:text-ink"
                aria-label={`Remove filter ${text}`}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      </div>
    </form>
  );
}
