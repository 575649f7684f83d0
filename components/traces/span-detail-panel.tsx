import { AlertIcon } from "@/components/ui/icons";
import type { TraceSpanDto } from "@/lib/query-client/traces-schemas";
import { formatDurationUs } from "@/lib/traces/format-duration";
import { AttributeList } from "./attribute-list";

const KIND_NAMES: Record<number, string> = {
  0: "unspecified",
  1: "internal",
  2: "server",
  3: "client",
  4: "producer",
  5: "consumer",
};
const STATUS_NAMES: Record<TraceSpanDto["statusCode"], string> = { 0: "unset", 1: "ok", 2: "error" };

function Section({ title, count, children }: { title: string; count?: number; children: React.ReactNode }) {
  return (
    <section className="border-t border-line px-4 py-3">
      <h3 className="mb-2 text-[11px] font-semibold tracking-wider text-faint uppercase">
        {title}
        {count !== undefined && <span className="ml-1.5 text-muted tabular-nums">{count}</span>}
      </h3>
      {children}
    </section>
  );
}

/** Everything about one span. All data is rendered as text. */
export function SpanDetailPanel({
  span,
  traceStartUs,
  color,
  isOnCriticalPath,
  onClose,
}: {
  span: TraceSpanDto;
  traceStartUs: number;
  color: string;
  isOnCriticalPath: boolean;
  onClose: () => void;
}) {
  const isError = span.statusCode === 2;
  const facts: [string, string][] = [
    ["Service", span.serviceName],
    ["Kind", KIND_NAMES[span.kind] ?? String(span.kind)],
    ["Status", STATUS_NAMES[span.statusCode]],
    ["Duration", formatDurationUs(span.durationNs / 1_000)],
    ["Starts at", `+${formatDurationUs(span.startTimeUs - traceStartUs)}`],
    ["Span id", span.spanId],
    ["Parent id", span.parentSpanId ?? "none (root)"],
  ];
  if (span.scope !== undefined) facts.push(["Scope", `${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ""}`]);
  if (span.traceState !== undefined) facts.push(["Trace state", span.traceState]);

  return (
    <aside aria-labelledby="span-detail-title" className="flex min-h-0 flex-col" data-testid="span-detail">
      <div className="flex items-start gap-2 px-4 py-3">
        <span aria-hidden="true" className="mt-1.5 size-2.5 shrink-0 rounded-full" style={{ backgroundColor: color }} />
        <div className="min-w-0 flex-1">
          <h2 id="span-detail-title" className="text-sm font-semibold break-words text-ink">
            {span.name}
          </h2>
          <div className="mt-1 flex flex-wrap gap-1.5">
            {isError && (
              <span className="inline-flex items-center gap-1 rounded bg-bad/15 px-1.5 py-0.5 text-[11px] font-medium text-bad">
                <AlertIcon className="size-3" /> Error
              </span>
            )}
            {isOnCriticalPath && (
              <span className="rounded bg-warn/15 px-1.5 py-0.5 text-[11px] font-medium text-warn">On the critical path</span>
            )}
          </div>
        </div>
        <button
          type="button"
          onClick={onClose}
          className="rounded px-1.5 text-lg leading-none text-faint hover:bg-panel-raised hover:text-ink"
          aria-label="Close span details"
        >
          ×
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {isError && span.statusMessage !== undefined && (
          <p className="mx-4 mb-3 rounded border border-bad/30 bg-bad/10 px-3 py-2 text-xs break-words whitespace-pre-wrap text-ink">
            {span.statusMessage}
          </p>
        )}
        <Section title="Span">
          <dl className="grid grid-cols-[6.5rem_minmax(0,1fr)] gap-x-3 gap-y-1 text-xs">
            {facts.map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="text-muted">{label}</dt>
                <dd className="font-mono break-all text-ink">{value}</dd>
              </div>
            ))}
          </dl>
        </Section>
        <Section title="Attributes" count={Object.keys(span.attributes).length}>
          <AttributeList attributes={span.attributes} emptyText="No attributes." />
          {span.droppedAttributesCount > 0 && (
            <p className="mt-1 text-xs text-warn">{span.droppedAttributesCount} attributes dropped by the sender.</p>
          )}
        </Section>
        <Section title="Events" count={span.events.length}>
          {span.events.length === 0 ? (
            <p className="text-xs text-faint">No events.</p>
          ) : (
            <ol className="flex flex-col gap-2">
              {span.events.map((event, i) => (
                <li key={i} className="rounded border border-line bg-canvas/50 px-2 py-1.5">
                  <p className="flex items-baseline justify-between gap-2 text-xs">
                    <span className="font-medium break-words text-ink">{event.name}</span>
                    <span className="shrink-0 font-mono text-faint tabular-nums">
                      +{formatDurationUs(event.timeUs - span.startTimeUs)}
                    </span>
                  </p>
                  {Object.keys(event.attributes).length > 0 && (
                    <div className="mt-1">
                      <AttributeList attributes={event.attributes} emptyText="" />
                    </div>
                  )}
                </li>
              ))}
            </ol>
          )}
        </Section>
        <Section title="Links" count={span.links.length}>
          {span.links.length === 0 ? (
            <p className="text-xs text-faint">No links.</p>
          ) : (
            <ul className="flex flex-col gap-2">
              {span.links.map((link, i) => (
                <li key={i} className="rounded border border-line bg-canvas/50 px-2 py-1.5 text-xs">
                  <p className="font-mono break-all text-ink-soft">
                    trace {link.traceId} · span {link.spanId}
                  </p>
                  {Object.keys(link.attributes).length > 0 && (
                    <div className="mt-1">
                      <AttributeList attributes={link.attributes} emptyText="" />
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Resource" count={Object.keys(span.resourceAttributes).length}>
          <AttributeList attributes={span.resourceAttributes} emptyText="No resource attributes." />
        </Section>
      </div>
    </aside>
  );
}
