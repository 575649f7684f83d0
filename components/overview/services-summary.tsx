import { formatCompactCount, formatCount } from "@/lib/ui/format-number";
import type { ServicesSummary } from "@/lib/ui/service-activity";

function Stat({ label, value, title, hint }: { label: string; value: string; title?: string; hint: string }) {
  return (
    <div className="rounded-lg border border-line bg-panel px-4 py-3">
      <dt className="text-xs font-medium text-muted">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tracking-tight text-ink tabular-nums" title={title}>
        {value}
      </dd>
      <dd className="mt-0.5 text-xs text-faint">{hint}</dd>
    </div>
  );
}

export function ServicesSummaryStats({ summary }: { summary: ServicesSummary }) {
  return (
    <dl className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-3">
      <Stat label="Services" value={formatCount(summary.serviceCount)} hint="that have sent spans" />
      <Stat label="Active now" value={formatCount(summary.activeCount)} hint="sent spans in the last minute" />
      <Stat
        label="Spans received"
        value={formatCompactCount(summary.spanCount)}
        title={`${formatCount(summary.spanCount)} spans`}
        hint="across all services"
      />
    </dl>
  );
}
