"use client";

import { useQuery } from "@tanstack/react-query";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { Skeleton } from "@/components/ui/skeleton";
import { serviceOperationsQueryOptions } from "@/lib/query-client/service-detail-query";
import type { OperationFilter } from "@/lib/service-detail/service-detail-params";
import type { OperationSort } from "@/lib/service-detail/sort-operations";
import { formatCount } from "@/lib/ui/format-number";
import type { RefreshInterval } from "@/lib/ui/refresh-interval";
import { describeTimeRange, type TimeRange } from "@/lib/ui/time-range";
import { OperationsTable } from "./operations-table";

export function OperationsPanel({
  service,
  range,
  filter,
  sort,
  refetchInterval,
  onSortChange,
  onSelect,
  tracesHref,
}: {
  service: string;
  range: TimeRange;
  filter: OperationFilter | null;
  sort: OperationSort;
  refetchInterval: RefreshInterval;
  onSortChange: (sort: OperationSort) => void;
  onSelect: (filter: OperationFilter | null) => void;
  tracesHref: (operation: string) => string;
}) {
  const operations = useQuery({ ...serviceOperationsQueryOptions(service, range), refetchInterval });
  let body;
  if (operations.isPending) {
    body = (
      <div role="status" aria-label="Loading operations" className="space-y-3 px-4 py-4">
        {[0, 1, 2].map((row) => (
          <Skeleton key={row} className="h-5 w-full" />
        ))}
      </div>
    );
  } else if (operations.isError && operations.data === undefined) {
    body = (
      <ErrorPanel
        title="Could not load the operations"
        message={operations.error.message}
        onRetry={() => void operations.refetch()}
        isRetrying={operations.isFetching}
      />
    );
  } else {
    const data = operations.data;
    body = (
      <>
        {operations.isError && (
          <StaleDataBanner
            message={operations.error.message}
            onRetry={() => void operations.refetch()}
            isRetrying={operations.isFetching}
          />
        )}
        {data.operations.length === 0 ? (
          <p className="px-4 py-6 text-center text-sm text-muted" data-testid="operations-empty">
            No spans from {service} in {describeTimeRange(range)}.
          </p>
        ) : (
          <OperationsTable
            operations={data.operations}
            sort={sort}
            filter={filter}
            onSortChange={onSortChange}
            onSelect={onSelect}
            tracesHref={tracesHref}
          />
        )}
      </>
    );
  }
  const total = operations.data?.totalOperations ?? 0;
  const shown = operations.data?.operations.length ?? 0;
  return (
    <Panel labelledBy="operations-title">
      <PanelHeader id="operations-title" title="Operations">
        <p className="text-xs text-faint">
          {operations.data === undefined
            ? ""
            : total > shown
              ? `The busiest ${formatCount(shown)} of ${formatCount(total)} · `
              : `${formatCount(total)} · `}
          Pick one to chart it alone
        </p>
      </PanelHeader>
      <div aria-busy={operations.isPlaceholderData}>{body}</div>
    </Panel>
  );
}
