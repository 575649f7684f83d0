"use client";

import { keepPreviousData, type UseQueryResult, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { ChartScatterTraceDuration } from "@/components/traces/chart-scatter-trace-duration";
import { TraceResultsTable } from "@/components/traces/trace-results-table";
import { TraceSearchForm } from "@/components/traces/trace-search-form";
import { TracesSkeleton } from "@/components/traces/traces-skeleton";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { TracesIcon } from "@/components/ui/icons";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { Skeleton } from "@/components/ui/skeleton";
import { servicesQueryOptions } from "@/lib/query-client/services-query";
import { traceSearchQueryOptions } from "@/lib/query-client/traces-query";
import type { TraceSearchResponse } from "@/lib/query-client/traces-schemas";
import { navigateToTraceSearch } from "@/lib/traces/navigate-to-trace-search";
import { parseTraceSort, serializeTraceSort, type TraceSort } from "@/lib/traces/sort-trace-summaries";
import { parseTraceSearch, serializeTraceSearch, type TraceSearch } from "@/lib/traces/trace-search-params";
import { formatCount } from "@/lib/ui/format-number";
import { REFRESH_PARAM } from "@/lib/ui/refresh-interval";
import { replaceSearchParams } from "@/lib/ui/replace-search-params";
import { withSearchParam } from "@/lib/ui/search-params";
import { useNow } from "@/lib/ui/use-now";
import { useRefreshInterval } from "@/lib/ui/use-refresh-interval";

export function TracesClient() {
  const params = useSearchParams();
  const refetchInterval = useRefreshInterval();
  const { search: urlSearch, errors } = parseTraceSearch(params);
  const sort = parseTraceSort(params);
  const services = useQuery({ ...servicesQueryOptions(), refetchInterval });

  // Without a service in the URL, search the busiest one: the API needs a service so it can
  // walk the (service, start time) index instead of every span in the window.
  let busiest: { name: string; spanCount: number } | undefined;
  for (const service of services.data?.services ?? []) {
    if (busiest === undefined || service.spanCount > busiest.spanCount) busiest = service;
  }
  const search: TraceSearch = { ...urlSearch, service: urlSearch.service ?? busiest?.name };
  const searchQuery = serializeTraceSearch(search).toString();
  const results = useQuery({
    ...traceSearchQueryOptions(searchQuery),
    enabled: search.service !== undefined,
    refetchInterval,
    placeholderData: keepPreviousData,
  });
  const nowMs = useNow(results.dataUpdatedAt || services.dataUpdatedAt);

  const refresh = params.get(REFRESH_PARAM);
  const traceHref = (traceId: string) => `/traces/${traceId}${withSearchParam("", REFRESH_PARAM, refresh)}`;
  const handleSortChange = (next: TraceSort) => replaceSearchParams(serializeTraceSort(next));

  if (services.isPending) return <TracesSkeleton />;
  if (services.isError && services.data === undefined) {
    return (
      <Panel>
        <ErrorPanel
          title="Could not load services"
          message={services.error.message}
          onRetry={() => void services.refetch()}
          isRetrying={services.isFetching}
        />
      </Panel>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <Panel labelledBy="trace-search-title">
        <h2 id="trace-search-title" className="sr-only">
          Search
        </h2>
        <TraceSearchForm
          key={searchQuery}
          search={search}
          services={services.data.services}
          onChange={navigateToTraceSearch}
          nowMs={nowMs}
        />
        {errors.length > 0 && (
          <div role="alert" className="border-b border-warn/20 bg-warn/5 px-4 py-2 text-sm text-ink-soft">
            Ignored from the URL: {errors.map((e) => `${e.param}: ${e.message}`).join("; ")}
          </div>
        )}
        <ResultsBody
          search={search}
          results={results}
          nowMs={nowMs}
          sort={sort}
          onSortChange={handleSortChange}
          traceHref={traceHref}
          isLive={refetchInterval !== false}
        />
      </Panel>
    </div>
  );
}

function ResultsBody({
  search,
  results,
  nowMs,
  sort,
  onSortChange,
  traceHref,
  isLive,
}: {
  search: TraceSearch;
  results: UseQueryResult<TraceSearchResponse>;
  nowMs: number;
  sort: TraceSort;
  onSortChange: (sort: TraceSort) => void;
  traceHref: (traceId: string) => string;
  isLive: boolean;
}) {
  if (search.service === undefined) {
    return (
      <EmptyState
        title="No services have sent spans yet"
        detail="Send traces over OTLP (see the Overview for the endpoints) and they will show up here."
      />
    );
  }
  if (results.isPending) {
    return (
      <div role="status" aria-label="Searching" className="flex flex-col gap-3 p-4">
        <Skeleton className="h-52 w-full" />
        <Skeleton className="h-9 w-full" />
        <Skeleton className="h-9 w-full" />
      </div>
    );
  }
  if (results.isError && results.data === undefined) {
    return (
      <ErrorPanel
        title="The search failed"
        message={results.error.message}
        onRetry={() => void results.refetch()}
        isRetrying={results.isFetching}
      />
    );
  }
  const { traces, startMs, endMs, limit } = results.data;
  return (
    <>
      {results.isError && (
        <StaleDataBanner message={results.error.message} onRetry={() => void results.refetch()} isRetrying={results.isFetching} />
      )}
      {traces.length === 0 ? (
        <EmptyState
          title="No traces match"
          detail={`Nothing from ${search.service} in this window matches every filter${isLive ? "; new traces appear as they arrive" : ""}. Try a longer time range or fewer filters.`}
        />
      ) : (
        <>
          <ChartScatterTraceDuration traces={traces} startMs={startMs} endMs={endMs} traceHref={traceHref} />
          <PanelHeader id="trace-results-title" title="Matching traces">
            <p className="text-xs text-faint" aria-live="polite">
              {formatCount(traces.length)} {traces.length === 1 ? "trace" : "traces"}
              {traces.length >= limit ? ` (the newest ${formatCount(limit)}; raise the limit to see more)` : ""}
            </p>
          </PanelHeader>
          <TraceResultsTable traces={traces} sort={sort} onSortChange={onSortChange} nowMs={nowMs} traceHref={traceHref} />
        </>
      )}
    </>
  );
}

function EmptyState({ title, detail }: { title: string; detail: string }) {
  return (
    <div className="flex flex-col items-center gap-3 px-6 py-14 text-center">
      <span className="flex size-10 items-center justify-center rounded-full bg-panel-raised text-muted">
        <TracesIcon className="size-5" />
      </span>
      <div>
        <p className="text-sm font-semibold text-ink">{title}</p>
        <p className="mt-1 max-w-xl text-sm text-muted">{detail}</p>
      </div>
    </div>
  );
}
