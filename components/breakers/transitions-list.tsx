import { RelativeTime } from "@/components/ui/relative-time";
import type { BreakerTransitionEvent } from "@/lib/query-client/breakers-schemas";
import { BreakerStateBadge } from "./breaker-state-display";

/** Rows rendered at most; the strips above still show every transition. */
export const MAX_LISTED_TRANSITIONS = 200;

/**
 * Transitions, most recent first, with when, which breaker, from → to and the owner's
 * reason. The reason is reported by the services and shown as plain text only.
 */
export function TransitionsList({ transitions, nowMs }: { transitions: BreakerTransitionEvent[]; nowMs: number }) {
  const listed = transitions.slice(0, MAX_LISTED_TRANSITIONS);
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[760px] border-collapse text-sm" data-testid="transitions-table">
        <caption className="sr-only">Breaker transitions in the selected time range, most recent first.</caption>
        <thead>
          <tr className="border-b border-line text-left text-xs tracking-wide text-faint uppercase">
            <th scope="col" className="w-28 px-4 py-2 font-medium">
              When
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Breaker
            </th>
            <th scope="col" className="w-64 px-3 py-2 font-medium">
              Change
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Reason
            </th>
          </tr>
        </thead>
        <tbody>
          {listed.map((transition) => (
            <tr
              key={`${transition.ownerInstanceId}→${transition.targetInstanceId}@${transition.at}>${transition.toState}`}
              data-testid="transition-row"
              className="border-b border-line/70 align-top last:border-b-0"
            >
              <td className="px-4 py-2 text-[13px] whitespace-nowrap text-ink-soft">
                <RelativeTime iso={transition.at} nowMs={nowMs} />
              </td>
              <td className="px-3 py-2 font-mono text-[13px] whitespace-nowrap text-ink">
                {transition.ownerInstanceId} <span className="text-faint">→</span> {transition.targetInstanceId}
              </td>
              <td className="px-3 py-2">
                <span className="flex items-center gap-1.5">
                  <BreakerStateBadge state={transition.fromState} size="sm" />
                  <span aria-hidden="true" className="text-faint">
                    →
                  </span>
                  <span className="sr-only">to</span>
                  <BreakerStateBadge state={transition.toState} size="sm" />
                </span>
              </td>
              <td className="px-3 py-2 text-[13px] break-words text-ink-soft" data-testid="transition-reason">
                {transition.reason ?? <span className="text-faint">no reason given</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {transitions.length > listed.length && (
        <p className="border-t border-line px-4 py-2 text-xs text-muted">
          Showing the {listed.length} most recent of {transitions.length} transitions. Pick a shorter range or filter to see the
          others.
        </p>
      )}
    </div>
  );
}
