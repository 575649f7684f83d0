import type { AttributeValue } from "@/lib/otlp/model";

/** An attribute value as plain text: strings as they are, everything else as JSON. */
export function formatAttributeValue(value: AttributeValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Attributes as a key/value list. Keys and values are React text children, so markup or a
 * "javascript:" URL in a value is shown, never interpreted (no innerHTML, no href from data).
 */
export function AttributeList({ attributes, emptyText }: { attributes: Record<string, AttributeValue>; emptyText: string }) {
  const entries = Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return <p className="text-xs text-faint">{emptyText}</p>;
  return (
    <dl className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)] gap-x-3 gap-y-1 text-xs">
      {entries.map(([key, value]) => (
        <div key={key} className="contents" data-testid="attribute">
          <dt className="truncate font-mono text-muted" title={key}>
            {key}
          </dt>
          <dd className="font-mono break-all whitespace-pre-wrap text-ink" data-testid="attribute-value">
            {formatAttributeValue(value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}
