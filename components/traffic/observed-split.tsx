import type { RouteDetail } from "@/lib/traffic/contract";
import { sharePercent } from "@/lib/traffic/split-chart-rows";
import { formatCount, formatPercentNumber } from "@/lib/ui/format-number";
import { versionColor } from "./version-colors";

/**
 * The observed split now, per version, next to the configured weight: from the gateways' LB
 * counters under the configured route version (exact once applied), the LB counters of the
 * last minute whatever the version, and the gateway's spans of the last minute.
 */
export function ObservedSplit({ detail }: { detail: RouteDetail }) {
  const { route, observed } = detail;
  const versions = route.backends.map((b) => b.version);
  const sources = [
    {
      key: "lb-current",
      label: "LB, these weights",
      title: `The gateways' load-balancer counts of requests sent under route version ${route.version} (the configured weights)`,
      split: observed.lb.current,
    },
    {
      key: "lb-recent",
      label: "LB, last min",
      title: "The gateways' load-balancer counts of the last minute, whatever weights were in effect",
      split: observed.lb.recent,
    },
    {
      key: "spans-recent",
      label: "Spans, last min",
      title: "The gateway's client spans of the last minute, by the version that served them",
      split: observed.spans.recent,
    },
  ] as const;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="observed-split">
        <caption className="sr-only">Configured weight and observed share of requests per version</caption>
        <thead className="border-b border-line text-xs font-medium tracking-wide text-faint uppercase">
          <tr>
            <th scope="col" className="py-1.5 pr-3 text-left font-medium">
              Version
            </th>
            <th scope="col" className="px-2 py-1.5 text-right font-medium">
              Configured
            </th>
            {sources.map((source) => (
              <th key={source.key} scope="col" title={source.title} className="px-2 py-1.5 text-right font-medium normal-case">
                {source.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {route.backends.map((backend, index) => (
            <tr key={backend.version} data-testid="observed-row" data-version={backend.version}>
              <th scope="row" className="py-1.5 pr-3 text-left font-medium text-ink">
                <span className="flex items-center gap-2">
                  <span aria-hidden="true" className="size-2.5 rounded-full" style={{ backgroundColor: versionColor(index) }} />
                  {backend.version}
                </span>
              </th>
              <td className="px-2 py-1.5 text-right text-ink tabular-nums">{backend.weight} %</td>
              {sources.map((source) => {
                const share = sharePercent(source.split, backend.version);
                const requests = source.split.backends.find((b) => b.version === backend.version)?.requests ?? 0;
                return (
                  <td
                    key={source.key}
                    className="px-2 py-1.5 text-right whitespace-nowrap text-ink-soft tabular-nums"
                    data-testid={`observed-${source.key}`}
                    data-share={share === null ? "" : share.toFixed(2)}
                    data-total={source.split.total}
                  >
                    {share === null ? (
                      <span className="text-faint">–</span>
                    ) : (
                      <>
                        <span className="text-ink">{formatPercentNumber(share)} %</span>{" "}
                        <span className="text-xs text-faint">({formatCount(requests)})</span>
                      </>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
        <tfoot className="border-t border-line text-xs text-faint">
          <tr>
            <td className="py-1.5 pr-3">Requests</td>
            <td />
            {sources.map((source) => (
              <td key={source.key} className="px-2 py-1.5 text-right tabular-nums">
                {formatCount(source.split.total)}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
      {versions.length > 0 && observed.lb.current.total === 0 && observed.lb.recent.total === 0 && (
        <p className="mt-2 text-xs text-muted">
          No requests counted yet: the gateway reports its load-balancer counters with each heartbeat (every few seconds).
        </p>
      )}
    </div>
  );
}
