"use client";

import { useQuery } from "@tanstack/react-query";
import { usePathname } from "next/navigation";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { Skeleton } from "@/components/ui/skeleton";
import { faultInstancesQueryOptions } from "@/lib/faults/faults-query";
import { authSessionQueryOptions } from "@/lib/query-client/auth-session-query";
import { groupInstancesByService } from "@/lib/faults/group-instances-by-service";
import { useRefreshInterval } from "@/lib/ui/use-refresh-interval";
import { FaultAccessNotice } from "./fault-access-notice";
import { FaultInstanceRow } from "./fault-instance-row";

/**
 * The demo's fault injection: every registered instance (or one service's), grouped by
 * service, with the faults it runs with now and controls to change them. Enabled for
 * operators; viewers and signed-out visitors see it disabled with the reason.
 */
export function FaultPanel({
  service,
  highlightInstanceId,
  tableMaxHeightClass = "",
}: {
  service?: string;
  highlightInstanceId?: string;
  /** Caps the table's height (it scrolls, its header stays): the Breakers page keeps its breakers in view below it. */
  tableMaxHeightClass?: string;
}) {
  const refetchInterval = useRefreshInterval();
  const returnTo = usePathname();
  const session = useQuery(authSessionQueryOptions());
  const instances = useQuery({ ...faultInstancesQueryOptions(), refetchInterval });
  const canEdit = session.data?.user?.role === "operator";

  let body;
  if (instances.isPending) {
    body = (
      <div role="status" aria-label="Loading instances" className="space-y-3 px-4 py-4">
        {[0, 1, 2].map((row) => (
          <Skeleton key={row} className="h-8 w-full" />
        ))}
      </div>
    );
  } else if (instances.isError && instances.data === undefined) {
    body = (
      <ErrorPanel
        title="Could not load the instances"
        message={instances.error.message}
        onRetry={() => void instances.refetch()}
        isRetrying={instances.isFetching}
      />
    );
  } else {
    const list = instances.data.instances.filter((instance) => service === undefined || instance.service === service);
    const groups = groupInstancesByService(list);
    body = (
      <>
        {instances.isError && (
          <StaleDataBanner
            message={instances.error.message}
            onRetry={() => void instances.refetch()}
            isRetrying={instances.isFetching}
          />
        )}
        {groups.length === 0 ? (
          <p className="px-4 py-6 text-center text-sm text-muted" data-testid="fault-instances-empty">
            {service === undefined ? "No instance is registered." : `No instance of ${service} is registered.`} Faults are set
            through an instance&apos;s admin endpoint, so only instances that send heartbeats (the demo shop&apos;s services do)
            can get them.
          </p>
        ) : (
          <div className={`overflow-auto ${tableMaxHeightClass}`}>
            <table className="w-full min-w-[880px] table-fixed text-sm" data-testid="fault-table">
              <thead className="sticky top-0 z-10 bg-panel text-[11px] tracking-wide text-faint uppercase shadow-[inset_0_-1px_0_var(--color-line)]">
                <tr>
                  <th scope="col" className="h-9 w-[200px] px-4 text-left font-medium">
                    Instance
                  </th>
                  <th scope="col" className="px-3 text-left font-medium">
                    Current faults
                  </th>
                  <th scope="col" className="w-[96px] px-1.5 text-left font-medium">
                    Latency (ms)
                  </th>
                  <th scope="col" className="w-[88px] px-1.5 text-left font-medium">
                    Errors (%)
                  </th>
                  <th scope="col" className="w-[80px] px-1.5 text-left font-medium">
                    Status
                  </th>
                  <th scope="col" className="w-[52px] px-1.5 text-center font-medium">
                    Hang
                  </th>
                  <th scope="col" className="w-[214px] px-3 text-right font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              {groups.map((group) => (
                <tbody key={group.service} className="divide-y divide-line border-b border-line last:border-b-0">
                  <tr>
                    <th
                      scope="rowgroup"
                      colSpan={7}
                      className="bg-panel-raised/50 px-4 py-1.5 text-left text-xs font-semibold text-ink-soft"
                    >
                      {group.service}
                      <span className="ml-2 font-normal text-faint">
                        {group.instances.length} {group.instances.length === 1 ? "instance" : "instances"}
                      </span>
                    </th>
                  </tr>
                  {group.instances.map((instance) => (
                    <FaultInstanceRow
                      key={instance.instanceId}
                      instance={instance}
                      canEdit={canEdit}
                      isHighlighted={instance.instanceId === highlightInstanceId}
                      refetchInterval={refetchInterval}
                      returnTo={returnTo}
                    />
                  ))}
                </tbody>
              ))}
            </table>
          </div>
        )}
      </>
    );
  }

  return (
    <div data-testid="fault-panel" data-can-edit={canEdit}>
      <FaultAccessNotice session={{ ...session, refetch: () => void session.refetch() }} returnTo={returnTo} />
      <div aria-busy={instances.isFetching && instances.isPending}>{body}</div>
    </div>
  );
}
