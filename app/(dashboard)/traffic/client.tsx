"use client";

import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import type { ReactNode } from "react";
import { RouteCards } from "@/components/traffic/route-cards";
import { RouteWorkspace } from "@/components/traffic/route-workspace";
import { TrafficEmpty } from "@/components/traffic/traffic-empty";
import { TrafficSkeleton } from "@/components/traffic/traffic-skeleton";
import { ErrorPanel, StaleDataBanner } from "@/components/ui/error-panel";
import { PageHeader } from "@/components/ui/page-header";
import { Panel } from "@/components/ui/panel";
import { authSessionQueryOptions } from "@/lib/query-client/auth-session-query";
import { routesQueryOptions, TRAFFIC_RANGES, type TrafficRange } from "@/lib/query-client/traffic-query";
import { replaceSearchParams } from "@/lib/ui/replace-search-params";
import { useRefreshInterval } from "@/lib/ui/use-refresh-interval";
import { parseTrafficView, serializeTrafficView, TRAFFIC_RANGE_LABELS, trafficHref } from "./search-params";

const linkClass = "font-medium text-accent underline-offset-2 hover:underline";

/** Whether this browser may change weights, and if not, what to tell it. */
function useEditAccess(signInHref: string): { canEdit: boolean; notice: ReactNode } {
  const session = useQuery(authSessionQueryOptions());
  if (session.isPending) return { canEdit: false, notice: "Checking who is signed in…" };
  // Without an answer the server still decides on save (401/403 are shown there).
  if (session.isError) return { canEdit: true, notice: null };
  const user = session.data.user;
  if (user === null) {
    return {
      canEdit: false,
      notice: (
        <>
          You are not signed in: you can watch traffic, but changing weights needs an operator.{" "}
          <a href={signInHref} className={linkClass}>
            Sign in
          </a>
        </>
      ),
    };
  }
  if (user.role !== "operator") {
    return {
      canEdit: false,
      notice: (
        <>
          Signed in as <span className="font-medium text-ink">{user.username}</span> with the viewer role, which can watch traffic
          but cannot change weights.{" "}
          <a href={signInHref} className={linkClass}>
            Sign in as an operator
          </a>
        </>
      ),
    };
  }
  return { canEdit: true, notice: null };
}

export function TrafficClient() {
  const refetchInterval = useRefreshInterval();
  const searchParams = useSearchParams();
  const view = parseTrafficView(searchParams);
  const routes = useQuery({ ...routesQueryOptions(), refetchInterval });
  const signInHref = `/login?next=${encodeURIComponent(trafficHref(view.route, new URLSearchParams(searchParams.toString())))}`;
  const access = useEditAccess(signInHref);
  const rangeLabel = TRAFFIC_RANGE_LABELS[view.range];

  const header = (
    <PageHeader
      title="Traffic"
      description="Shift a route's traffic between versions, watch the gateway apply it, and compare the configured split with the observed one."
      actions={
        <div className="flex items-center gap-4 text-xs text-muted">
          <label className="flex items-center gap-2">
            Window
            <select
              value={view.range}
              onChange={(event) => replaceSearchParams(serializeTrafficView({ range: event.target.value as TrafficRange }))}
              className="h-8 rounded-md border border-line-strong bg-panel-raised px-2 text-[13px] text-ink hover:border-accent/60"
            >
              {TRAFFIC_RANGES.map((range) => (
                <option key={range} value={range}>
                  Last {TRAFFIC_RANGE_LABELS[range]}
                </option>
              ))}
            </select>
          </label>
        </div>
      }
    />
  );

  let body;
  if (routes.isPending) body = <TrafficSkeleton />;
  else if (routes.isError && routes.data === undefined) {
    body = (
      <Panel>
        <ErrorPanel
          title="Could not load routes"
          message={routes.error.message}
          onRetry={() => void routes.refetch()}
          isRetrying={routes.isFetching}
        />
      </Panel>
    );
  } else if (routes.data.routes.length === 0) body = <TrafficEmpty />;
  else {
    body = (
      <div className="flex flex-col gap-6">
        {routes.isError && (
          <div className="overflow-hidden rounded-lg border border-line">
            <StaleDataBanner
              message={routes.error.message}
              onRetry={() => void routes.refetch()}
              isRetrying={routes.isFetching}
            />
          </div>
        )}
        <RouteCards
          routes={routes.data.routes}
          selected={view.route}
          hrefFor={(id) => trafficHref(id, new URLSearchParams(searchParams.toString()))}
        />
        {view.route === null ? (
          <Panel className="px-4 py-6 text-center text-sm text-muted">
            Choose a route above to change its weights and see its configured and observed split.
          </Panel>
        ) : (
          <RouteWorkspace
            key={view.route}
            routeId={view.route}
            range={view.range}
            rangeLabel={rangeLabel}
            refetchInterval={refetchInterval}
            canEdit={access.canEdit}
            disabledNotice={access.notice}
            signInHref={signInHref}
          />
        )}
      </div>
    );
  }

  return (
    <>
      {header}
      {body}
    </>
  );
}
