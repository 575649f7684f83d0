import { BREAKER_STATE_DISPLAY } from "@/components/breakers/breaker-state-display";
import type { OverviewSummary } from "@/lib/overview/summarize-overview";
import { formatCompactCount, formatCount } from "@/lib/ui/format-number";

function Stat({
  label,
  value,
  title,
  hint,
  tone = "normal",
  testId,
}: {
  testId: string;
  label: string;
  value: string;
  title?: string;
  hint: string;
  tone?: "normal" | "bad" | "warn";
}) {
  const surface =
    tone === "bad" ? "border-bad/60 bg-bad/10" : tone === "warn" ? "border-warn/40 bg-warn/5" : "border-line bg-panel";
  const valueTone = tone === "bad" ? "text-bad" : tone === "warn" ? "text-warn" : "text-ink";
  return (
    <div className={`rounded-lg border px-4 py-3 ${surface}`} data-testid={testId}>
      <dt className="text-xs font-medium text-muted">{label}</dt>
      <dd className={`mt-1 text-2xl font-semibold tracking-tight tabular-nums ${valueTone}`} title={title}>
        {value}
      </dd>
      <dd className="mt-0.5 text-xs text-faint">{hint}</dd>
    </div>
  );
}

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** The numbers above the table: services, instance health, breakers, spans received. */
export function ServicesSummaryStats({ summary, windowLabel }: { summary: OverviewSummary; windowLabel: string }) {
  const { instances, breakers } = summary;
  const notHealthy = instances.total - instances.healthy;
  const instanceHint =
    instances.total === 0
      ? "no service sends heartbeats"
      : notHealthy === 0
        ? "all healthy"
        : [
            instances.degraded > 0 ? `${formatCount(instances.degraded)} degraded` : null,
            instances.unhealthy > 0 ? `${formatCount(instances.unhealthy)} unhealthy` : null,
          ]
            .filter((part) => part !== null)
            .join(" · ");
  const breakerHint = [
    breakers.halfOpen > 0 ? `${formatCount(breakers.halfOpen)} ${BREAKER_STATE_DISPLAY.half_open.label.toLowerCase()}` : null,
    breakers.stale > 0 ? `${formatCount(breakers.stale)} stale (owner stopped reporting)` : null,
  ]
    .filter((part) => part !== null)
    .join(" · ");
  return (
    <dl className="mb-4 grid grid-cols-2 gap-3 lg:grid-cols-4">
      <Stat
        testId="stat-services"
        label="Services"
        value={formatCount(summary.serviceCount)}
        hint={`${plural(summary.activeCount, "with requests", "with requests")} in ${windowLabel}`}
      />
      <Stat
        testId="stat-instances"
        label="Healthy instances"
        value={instances.total === 0 ? "0" : `${formatCount(instances.healthy)} / ${formatCount(instances.total)}`}
        hint={instanceHint}
        tone={instances.total > 0 && instances.healthy === 0 ? "bad" : notHealthy > 0 ? "warn" : "normal"}
      />
      <Stat
        testId="stat-breakers"
        label="Open breakers"
        value={formatCount(breakers.open)}
        hint={breakerHint === "" ? (breakers.open === 0 ? "no calls refused" : "calls are being refused") : breakerHint}
        tone={breakers.open > 0 ? "bad" : breakers.halfOpen > 0 ? "warn" : "normal"}
      />
      <Stat
        testId="stat-spans"
        label="Spans received"
        value={formatCompactCount(summary.spanCount)}
        title={`${formatCount(summary.spanCount)} spans`}
        hint="across all services"
      />
    </dl>
  );
}
