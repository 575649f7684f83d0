"use client";

import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { BreakerFilters, TimeRangePicker } from "@/components/breakers/breaker-filters";
import { BreakerTimeline, TimelineLegend } from "@/components/breakers/breaker-timeline";
import { BreakersEmpty } from "@/components/breakers/breakers-empty";
import { BreakersSkeleton } from "@/components/breakers/breakers-skeleton";
import { BreakersTable } from "@/components/breakers/breakers-table";
import { OpenBreakersBanner } from "@/components/breakers/open-breakers-banner";
import { TransitionsList } from "@/components/breakers/transitions-list";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import {
  breakerKey,
  filterBreakers,
  listBreakerServices,
  sortBreakers,
  summarizeBreakers,
} from "@/lib/breakers/summarize-breakers";
import type { BreakerSummary } from "@/lib/query-client/breakers-schemas";
import { breakersQueryOptions, breakerTransitionsQueryOptions } from "@/lib/query-client/breakers-query";
import { replaceSearchParams } from "@/lib/ui/replace-search-params";
import { useNow } from "@/lib/ui/use-now";
import { useRefreshInterval } from "@/lib/ui/use-refresh-interval";
import { type BreakersView, parseBreakersView, serializeBreakersView, TIME_RANGES, type TimeRange } from "./search-params";

export function BreakersClient() {
  const refetchInterval = useRefreshInterval();
  const view = parseBreakersView(useSearchParams());
  const breakers = useQuery({ ...breakersQueryOptions(), refetchInterval });
  // Server render and hydration use the data's timestamp as "now"; the live clock takes over after.
  const nowMs = useNow(breakers.dataUpdatedAt);

  const handleRetry = () => void breakers.refetch();

  if (breakers.isPending) return <BreakersSkeleton />;
  if (breakers.isError && breakers.data === undefined) {
    return (
      <Panel>
        <ErrorPanel
          title="Could not load breakers"
          message={breakers.error.message}
          onRetry={handleRetry}
          isRetrying={breakers.isFetching}
        />
      </Panel>
    );
  }

  const list = breakers.data.breakers;
  if (list.length === 0) return <BreakersEmpty isLive={refetchInterval !== false} />;

  const attention = summarizeBreakers(list);
  const visible = sortBreakers(filterBreakers(list, view));
  const isFiltered = view.service !== null || view.state !== null;

  function handleViewChange(change: Partial<BreakersView>) {
    replaceSearchParams(serializeBreakersView(change));
  }

  return (
    <>
      <OpenBreakersBanner attention={attention} nowMs={nowMs} />
      <Panel labelledBy="breakers-title" className="mb-4">
        <PanelHeader id="breakers-title" title="Breakers">
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
            <BreakerFilters
              services={listBreakerServices(list)}
              service={view.service}
              state={view.state}
              countByState={attention.countByState}
              onServiceChange={(service) => handleViewChange({ service })}
              onStateChange={(state) => handleViewChange({ state })}
            />
            <p className="text-xs text-faint" aria-live="off">
              {isFiltered ? `${visible.length} of ${list.length}` : `${list.length}`} · updated{" "}
              <RelativeTime iso={new Date(breakers.dataUpdatedAt).toISOString()} nowMs={nowMs} />
            </p>
          </div>
        </PanelHeader>
        {breakers.isError && (
          <StaleDataBanner message={breakers.error.message} onRetry={handleRetry} isRetrying={breakers.isFetching} />
        )}
        {visible.length > 0 ? (
          <BreakersTable breakers={visible} nowMs={nowMs} />
        ) : (
          <NoMatch onClear={() => handleViewChange({ service: null, state: null })} />
        )}
      </Panel>
      <TransitionHistory
        breakers={visible}
        range={view.range}
        onRangeChange={(range) => handleViewChange({ range })}
        nowMs={nowMs}
      />
    </>
  );
}

function NoMatch({ onClear }: { onClear: () => void }) {
  return (
    <div className="flex flex-col items-center gap-2 px-6 py-10 text-center" data-testid="breakers-no-match">
      <p className="text-sm font-medium text-ink">No breakers match these filters.</p>
      <p className="text-sm text-muted">The banner above still counts every breaker.</p>
      <button
        type="button"
        onClick={onClear}
        className="mt-1 rounded-md border border-line-strong bg-panel-raised px-3 py-1.5 text-sm font-medium text-ink hover:border-accent/60"
      >
        Clear filters
      </button>
    </div>
  );
}

function TransitionHistory({
  breakers,
  range,
  onRangeChange,
  nowMs,
}: {
  breakers: BreakerSummary[];
  range: TimeRange;
  onRangeChange: (range: TimeRange) => void;
  nowMs: number;
}) {
  const refetchInterval = useRefreshInterval();
  const transitions = useQuery({ ...breakerTransitionsQueryOptions(range.ms), refetchInterval });
  const visibleKeys = new Set(breakers.map(breakerKey));

  let body;
  if (transitions.isPending) {
    body = (
      <div role="status" aria-label="Loading transitions" className="space-y-3 px-4 py-4">
        {[0, 1, 2].map((row) => (
          <Skeleton key={row} className="h-6 w-full" />
        ))}
      </div>
    );
  } else if (transitions.isError && transitions.data === undefined) {
    body = (
      <ErrorPanel
        title="Could not load the transition history"
        message={transitions.error.message}
        onRetry={() => void transitions.refetch()}
        isRetrying={transitions.isFetching}
      />
    );
  } else {
    const data = transitions.data;
    const shown = data.transitions.filter((transition) => visibleKeys.has(breakerKey(transition)));
    body = (
      <>
        {transitions.isError && (
          <StaleDataBanner
            message={transitions.error.message}
            onRetry={() => void transitions.refetch()}
            isRetrying={transitions.isFetching}
          />
        )}
        {breakers.length > 0 && <BreakerTimeline breakers={breakers} data={data} />}
        <div className="border-t border-line px-4 py-2.5">
          <TimelineLegend />
        </div>
        <h3 className="border-t border-line px-4 pt-3 pb-2 text-xs font-semibold tracking-wide text-faint uppercase">
          Transitions ({shown.length}
          {data.isTruncated ? "+" : ""})
        </h3>
        {data.isTruncated && (
          <p className="px-4 pb-2 text-xs text-warn">
            More transitions happened in this range than one request returns; the oldest are left out, so the strips may start in
            the wrong state. Pick a shorter range.
          </p>
        )}
        {shown.length > 0 ? (
          <TransitionsList transitions={shown} nowMs={nowMs} />
        ) : (
          <p className="px-4 pb-4 text-sm text-muted" data-testid="transitions-empty">
            No transitions in the {range.description}: every breaker stayed in the state shown above.
          </p>
        )}
      </>
    );
  }

  return (
    <Panel labelledBy="history-title">
      <PanelHeader id="history-title" title={`Transition history · ${range.description}`}>
        <div className="flex items-center gap-3">
          {transitions.isPlaceholderData && <span className="text-xs text-faint">Loading…</span>}
          <TimeRangePicker ranges={TIME_RANGES} value={range} onChange={onRangeChange} />
        </div>
      </PanelHeader>
      <div aria-busy={transitions.isPlaceholderData}>{body}</div>
    </Panel>
  );
}
