import { DEGRADED_ERROR_RATE, FAILING_ERROR_RATE, HEALTH_STATES } from "@/lib/ui/health";
import { HEALTH_LABEL } from "@/lib/topology/build-flow-elements";
import { formatErrorRate } from "@/lib/topology/format-traffic";
import { HEALTH_DISPLAY, OPEN_BREAKER_COLOR } from "./health-display";
import { DatabaseIcon, ServiceNodeIcon } from "./topology-icons";

const HEALTH_RULE = {
  no_traffic: "",
  healthy: `< ${formatErrorRate(DEGRADED_ERROR_RATE)} errors`,
  degraded: `≥ ${formatErrorRate(DEGRADED_ERROR_RATE)}`,
  failing: `≥ ${formatErrorRate(FAILING_ERROR_RATE)}`,
} as const;

/** What the colours, shapes and dashes mean, with the thresholds. */
export function TopologyLegend() {
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-1.5 text-xs text-muted" data-testid="topology-legend">
      {HEALTH_STATES.map((health) => (
        <span key={health} className="flex items-center gap-1.5">
          <span aria-hidden="true" className="size-2.5 rounded-full" style={{ backgroundColor: HEALTH_DISPLAY[health].color }} />
          <span className="text-ink-soft">{HEALTH_LABEL[health]}</span> {HEALTH_RULE[health]}
        </span>
      ))}
      <span className="flex items-center gap-1.5">
        <svg aria-hidden="true" className="h-2 w-7" viewBox="0 0 28 8">
          <path d="M0 4h28" stroke={OPEN_BREAKER_COLOR} strokeWidth={3} strokeDasharray="6 4" />
        </svg>
        <span className="text-ink-soft">breaker open</span> (calls refused)
      </span>
      <span className="flex items-center gap-1.5">
        <ServiceNodeIcon className="size-3.5" /> service
      </span>
      <span className="flex items-center gap-1.5">
        <DatabaseIcon className="size-3.5" /> uninstrumented peer
      </span>
    </div>
  );
}
