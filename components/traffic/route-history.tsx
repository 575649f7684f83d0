"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Panel, PanelHeader } from "@/components/ui/panel";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import type { PutWeightsOutcome } from "@/lib/query-client/put-route-weights";
import { routeHistoryQueryOptions } from "@/lib/query-client/traffic-query";
import type { Route, RouteChange, UpdateRouteWeights } from "@/lib/traffic/contract";
import { describeDiff, diffBackends, isSameBackends } from "@/lib/traffic/weights-form";
import { formatClock } from "@/lib/ui/format-time";
import type { RefreshInterval } from "@/lib/ui/refresh-interval";
import { useNow } from "@/lib/ui/use-now";

const smallButton =
  "rounded-md border border-line-strong bg-panel-raised px-2.5 py-1 text-xs font-medium text-ink hover:border-accent/60 disabled:cursor-not-allowed disabled:opacity-50";

/** Who made a change, as the audit row says: "user:ann", "gateway:gateway-1". */
function ActorCell({ actor }: { actor: string }) {
  const [kind, ...rest] = actor.split(":");
  const name = rest.join(":");
  return name === "" ? (
    <span className="text-ink">{actor}</span>
  ) : (
    <span>
      <span className="block text-ink">{name}</span>
      <span className="block text-xs text-faint">{kind}</span>
    </span>
  );
}

function WeightsChange({ change }: { change: RouteChange }) {
  const rows = diffBackends(change.oldBackends, change.newBackends);
  return (
    <ul className="flex flex-col gap-0.5 tabular-nums">
      {rows.map((row) => (
        <li key={row.version} className={row.isChanged ? "text-ink" : "text-muted"}>
          <span className="font-medium">{row.version}</span>{" "}
          {row.after === null ? (
            <>
              {row.before} % → <span className="text-faint">removed</span>
            </>
          ) : row.before === null || !row.isChanged ? (
            <>{row.after} %</>
          ) : (
            <>
              <span className="text-muted">{row.before} %</span> → {row.after} %
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * The route's audit trail, newest first: when, who, from where, old → new weights, why.
 * Every row offers "Revert to these weights": a confirm step shows the change from the
 * current weights, then a PUT with `revertOf` = that row (the revert is audited in turn).
 */
export function RouteHistory({
  route,
  canEdit,
  refetchInterval,
  onSubmit,
}: {
  route: Route;
  canEdit: boolean;
  refetchInterval: RefreshInterval;
  onSubmit: (body: UpdateRouteWeights) => Promise<PutWeightsOutcome>;
}) {
  const titleId = useId();
  const history = useInfiniteQuery({ ...routeHistoryQueryOptions(route.id), refetchInterval });
  const nowMs = useNow(history.dataUpdatedAt);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [isReverting, setIsReverting] = useState(false);
  const [result, setResult] = useState<{ changeId: number; text: string; isError: boolean } | null>(null);

  async function handleConfirm(change: RouteChange) {
    setIsReverting(true);
    const outcome = await onSubmit({ version: route.version, backends: change.newBackends, revertOf: change.id });
    setIsReverting(false);
    setConfirming(null);
    const text: Record<PutWeightsOutcome["kind"], string> = {
      saved: `Reverted to the weights of change #${change.id}.`,
      conflict: "Not reverted: someone else changed the weights just now. Look at the new weights and try again.",
      invalid: `Not reverted: ${"message" in outcome ? outcome.message : ""}`,
      unauthorized: "Not reverted: you are not signed in (or your session ended).",
      forbidden: "Not reverted: the viewer role cannot change weights.",
      failed: `Not reverted: ${"message" in outcome ? outcome.message : ""}`,
    };
    setResult({ changeId: change.id, text: text[outcome.kind], isError: outcome.kind !== "saved" });
  }

  let body;
  if (history.isPending) {
    body = (
      <div role="status" aria-label="Loading the history" className="space-y-2 p-4">
        <Skeleton className="h-6 w-full" />
        <Skeleton className="h-6 w-full" />
        <Skeleton className="h-6 w-2/3" />
      </div>
    );
  } else if (history.isError && history.data === undefined) {
    body = (
      <ErrorPanel
        title="Could not load the history"
        message={history.error.message}
        onRetry={() => void history.refetch()}
        isRetrying={history.isFetching}
      />
    );
  } else {
    const changes = history.data.pages.flatMap((page) => page.changes);
    body = (
      <>
        {history.isError && (
          <StaleDataBanner
            message={history.error.message}
            onRetry={() => void history.refetch()}
            isRetrying={history.isFetching}
          />
        )}
        {result !== null && (
          <p
            role={result.isError ? "alert" : "status"}
            className={`border-b border-line px-4 py-2 text-sm ${result.isError ? "text-bad" : "text-ink-soft"}`}
            data-testid="revert-result"
          >
            {result.text}
          </p>
        )}
        {changes.length === 0 ? (
          <p className="px-4 py-3 text-sm text-muted">No changes recorded for this route.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[860px] text-sm" data-testid="route-history">
              <caption className="sr-only">Weight changes of route {route.id}, newest first</caption>
              <thead className="border-b border-line text-xs font-medium tracking-wide text-faint uppercase">
                <tr>
                  <th scope="col" className="w-40 px-4 py-2 text-left font-medium">
                    When
                  </th>
                  <th scope="col" className="w-40 px-4 py-2 text-left font-medium">
                    Who
                  </th>
                  <th scope="col" className="w-32 px-4 py-2 text-left font-medium">
                    From
                  </th>
                  <th scope="col" className="w-44 px-4 py-2 text-left font-medium">
                    Weights
                  </th>
                  <th scope="col" className="px-4 py-2 text-left font-medium">
                    Reason
                  </th>
                  <th scope="col" className="w-60 px-4 py-2 text-right font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {changes.map((change) => {
                  const isCurrent = isSameBackends(change.newBackends, route.backends);
                  const isConfirming = confirming === change.id;
                  return (
                    <tr
                      key={change.id}
                      className="align-top"
                      data-testid="history-row"
                      data-change-id={change.id}
                      data-revert-of={change.revertOf ?? ""}
                      data-kind={change.oldBackends === null ? "declaration" : change.revertOf !== null ? "revert" : "change"}
                    >
                      <td className="px-4 py-2 text-ink-soft">
                        <span className="block tabular-nums">{formatClock(Date.parse(change.at), true)}</span>
                        <span className="text-xs text-faint">
                          <RelativeTime iso={change.at} nowMs={nowMs} /> · version {change.routeVersion}
                        </span>
                      </td>
                      <td className="px-4 py-2 break-all">
                        <ActorCell actor={change.actor} />
                      </td>
                      <td className="px-4 py-2 font-mono text-xs break-all text-muted">{change.source}</td>
                      <td className="px-4 py-2">
                        <WeightsChange change={change} />
                      </td>
                      <td className="px-4 py-2 break-words text-ink-soft">
                        {change.revertOf !== null && (
                          <span className="mb-0.5 block w-fit rounded bg-accent/10 px-1.5 py-0.5 text-xs font-medium text-accent">
                            revert of #{change.revertOf}
                          </span>
                        )}
                        {change.reason ?? <span className="text-faint">{change.oldBackends === null ? "declared" : "—"}</span>}
                      </td>
                      <td className="px-4 py-2 text-right">
                        {isConfirming ? (
                          <div className="flex flex-col items-end gap-1.5" data-testid="revert-confirm">
                            <p className="text-left text-xs text-ink-soft">
                              Set {route.id} to{" "}
                              <span className="text-ink">{describeDiff(diffBackends(route.backends, change.newBackends))}</span>?
                            </p>
                            <div className="flex gap-1.5">
                              <button
                                type="button"
                                className={`${smallButton} border-accent/60 whitespace-nowrap`}
                                disabled={isReverting}
                                onClick={() => void handleConfirm(change)}
                              >
                                {isReverting ? "Reverting…" : "Confirm revert"}
                              </button>
                              <button
                                type="button"
                                className={smallButton}
                                disabled={isReverting}
                                onClick={() => setConfirming(null)}
                              >
                                Cancel
                              </button>
                            </div>
                          </div>
                        ) : isCurrent ? (
                          <span className="text-xs text-faint">current weights</span>
                        ) : (
                          <button
                            type="button"
                            className={`${smallButton} whitespace-nowrap`}
                            disabled={!canEdit}
                            title={canEdit ? undefined : "Sign in as an operator to revert"}
                            onClick={() => {
                              setResult(null);
                              setConfirming(change.id);
                            }}
                          >
                            Revert to these weights
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {history.hasNextPage && (
          <div className="border-t border-line px-4 py-2.5">
            <button
              type="button"
              className={smallButton}
              disabled={history.isFetchingNextPage}
              onClick={() => void history.fetchNextPage()}
            >
              {history.isFetchingNextPage ? "Loading…" : "Older changes"}
            </button>
          </div>
        )}
      </>
    );
  }

  return (
    <Panel labelledBy={titleId}>
      <PanelHeader id={titleId} title="History">
        <p className="text-xs text-muted">Every declaration, change and revert, as audited in the same transaction.</p>
      </PanelHeader>
      {body}
    </Panel>
  );
}
