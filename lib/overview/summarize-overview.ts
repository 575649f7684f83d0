import { isOwnerReporting } from "@/lib/breakers/summarize-breakers";
import type { OverviewService } from "@/lib/query-client/overview-schemas";

export type OverviewSummary = {
  serviceCount: number;
  /** Services with at least one request in the window. */
  activeCount: number;
  instances: { healthy: number; degraded: number; unhealthy: number; total: number };
  /** Each breaker once (it is listed under its owner and its target), owners still reporting. */
  breakers: { open: number; halfOpen: number; stale: number };
  /** Spans received, over the span catalogue. */
  spanCount: number;
};

/** The stat tiles above the table: counts over the rows the API returned. */
export function summarizeOverview(services: readonly OverviewService[]): OverviewSummary {
  const summary: OverviewSummary = {
    serviceCount: services.length,
    activeCount: 0,
    instances: { healthy: 0, degraded: 0, unhealthy: 0, total: 0 },
    breakers: { open: 0, halfOpen: 0, stale: 0 },
    spanCount: 0,
  };
  for (const service of services) {
    if (service.requests > 0) summary.activeCount += 1;
    summary.instances.healthy += service.instances.healthy;
    summary.instances.degraded += service.instances.degraded;
    summary.instances.unhealthy += service.instances.unhealthy;
    summary.instances.total += service.instances.total;
    summary.spanCount += service.spanCount ?? 0;
    for (const breaker of service.breakers) {
      if (breaker.direction !== "outbound") continue;
      if (!isOwnerReporting(breaker.ownerStatus)) summary.breakers.stale += 1;
      else if (breaker.state === "half_open") summary.breakers.halfOpen += 1;
      else summary.breakers.open += 1;
    }
  }
  return summary;
}
