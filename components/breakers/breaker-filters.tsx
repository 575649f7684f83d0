import { BREAKER_STATES, type BreakerState } from "@/lib/control/contract";
import { BREAKER_STATE_DISPLAY } from "./breaker-state-display";

const selectClass =
  "h-8 rounded-md border border-line-strong bg-panel-raised px-2 text-[13px] text-ink hover:border-accent/60 focus-visible:border-accent";

/** Service (owner or target side) and state filters; plain selects, so the keyboard just works. */
export function BreakerFilters({
  services,
  service,
  state,
  countByState,
  onServiceChange,
  onStateChange,
}: {
  services: string[];
  service: string | null;
  state: BreakerState | null;
  countByState: Record<BreakerState, number>;
  onServiceChange: (service: string | null) => void;
  onStateChange: (state: BreakerState | null) => void;
}) {
  // A service from the URL that has no breakers (any more) stays selectable, so the filter shows what is applied.
  const choices = service !== null && !services.includes(service) ? [...services, service] : services;
  return (
    <div className="flex flex-wrap items-center gap-3" role="group" aria-label="Filter breakers">
      <label className="flex items-center gap-2 text-xs text-muted">
        Service
        <select
          className={selectClass}
          value={service ?? ""}
          onChange={(event) => onServiceChange(event.target.value === "" ? null : event.target.value)}
        >
          <option value="">All services</option>
          {choices.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-2 text-xs text-muted">
        State
        <select
          className={selectClass}
          value={state ?? ""}
          onChange={(event) => {
            const value = event.target.value;
            onStateChange(BREAKER_STATES.find((candidate) => candidate === value) ?? null);
          }}
        >
          <option value="">All states</option>
          {BREAKER_STATES.map((candidate) => (
            <option key={candidate} value={candidate}>
              {BREAKER_STATE_DISPLAY[candidate].label} ({countByState[candidate]})
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

export function TimeRangePicker<R extends { id: string; label: string; description: string }>({
  ranges,
  value,
  onChange,
}: {
  ranges: readonly R[];
  value: R;
  onChange: (range: R) => void;
}) {
  return (
    <div role="group" aria-label="Time range" className="flex overflow-hidden rounded-md border border-line-strong text-xs">
      {ranges.map((range) => {
        const isSelected = range.id === value.id;
        return (
          <button
            key={range.id}
            type="button"
            aria-pressed={isSelected}
            title={range.description}
            onClick={() => onChange(range)}
            className={[
              "border-l border-line-strong px-2.5 py-1.5 font-medium first:border-l-0",
              isSelected ? "bg-accent/15 text-accent" : "bg-panel-raised text-ink-soft hover:text-ink",
            ].join(" ")}
          >
            <span className="sr-only">Last </span>
            {range.label}
          </button>
        );
      })}
    </div>
  );
}
