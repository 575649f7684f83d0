import type pg from "pg";
import { z } from "zod";
import { attributeKeyNamesFor, collectStoredKeyIds, decodeAttributeKeys } from "@/lib/db/attribute-keys";
import type { Attributes, AttributeValue, SpanEvent, SpanKind, SpanLink, StatusCode } from "@/lib/otlp/model";

/** One stored span with its resource and scope, as the read side sees it. */
export type TraceSpan = {
  /** 32 lowercase hex chars. */
  traceId: string;
  /** 16 lowercase hex chars. */
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  /** Microseconds since the Unix epoch (the precision of timestamptz). */
  startTimeUs: bigint;
  durationNs: bigint;
  serviceName: string;
  statusCode: StatusCode;
  statusMessage?: string;
  traceState?: string;
  flags?: number;
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  resource: {
    id: string;
    serviceName: string;
    attributes: Attributes;
    droppedAttributesCount: number;
  };
  scope?: { id: string; name: string; version?: string };
};

/** Optional bounds on span start times (µs since the epoch, inclusive): they prune partitions. */
export type StartTimeBounds = { startUs?: bigint; endUs?: bigint };

type SpanRow = {
  trace_id: string;
  span_id: Buffer;
  parent_span_id: Buffer | null;
  name: string;
  kind: number;
  start_time_us: string;
  duration_ns: string;
  service_name: string;
  status_code: number;
  status_message: string | null;
  trace_state: string | null;
  flags: number | null;
  attributes: unknown;
  events: unknown;
  links: unknown;
  dropped_attributes_count: number | null;
  dropped_events_count: number | null;
  dropped_links_count: number | null;
  resource_id: string;
  resource_service_name: string | null;
  resource_attributes: unknown;
  resource_dropped_attributes_count: number | null;
  scope_id: string | null;
  scope_name: string | null;
  scope_version: string | null;
};

// start_time is read as exact integer microseconds: node-postgres parses timestamptz into a
// Date, which keeps only milliseconds. extract(epoch …) is numeric (exact) since PostgreSQL 14.
const SELECT_SPANS = `
  SELECT s.trace_id::text AS trace_id, s.span_id, s.parent_span_id, s.name, s.kind,
         (extract(epoch FROM s.start_time) * 1000000)::bigint AS start_time_us,
         s.duration_ns, s.service_name, s.status_code, s.status_message, s.trace_state, s.flags,
         s.attributes, s.events, s.links,
         s.dropped_attributes_count, s.dropped_events_count, s.dropped_links_count,
         s.resource_id, r.service_name AS resource_service_name, r.attributes AS resource_attributes,
         r.dropped_attributes_count AS resource_dropped_attributes_count,
         s.scope_id, sc.name AS scope_name, sc.version AS scope_version
    FROM spans s
    LEFT JOIN resources r ON r.id = s.resource_id
    LEFT JOIN scopes sc ON sc.id = s.scope_id`;

const MICROSECOND_FROM_EPOCH = `timestamptz 'epoch' + $%::bigint * interval '1 microsecond'`;

/** SQL for "µs since the epoch as a bigint parameter → timestamptz", exact to the microsecond. */
export function timestampFromMicros(paramIndex: number): string {
  return MICROSECOND_FROM_EPOCH.replace("%", String(paramIndex));
}

/**
 * All spans of the given traces (ids as 32 hex chars), ordered by trace, then start time.
 * The lookup goes through the primary key (trace_id, span_id, start_time) of every
 * partition left after pruning by `bounds`.
 */
export async function loadTraceSpans(
  pool: pg.Pool,
  traceIds: readonly string[],
  bounds: StartTimeBounds = {},
): Promise<TraceSpan[]> {
  if (traceIds.length === 0) return [];
  // One id gets a plain equality so the plan is the simplest possible primary-key probe.
  const values: unknown[] = [traceIds.length === 1 ? traceIds[0] : traceIds];
  const where = [traceIds.length === 1 ? "s.trace_id = $1::uuid" : "s.trace_id = ANY($1::uuid[])"];
  if (bounds.startUs !== undefined) {
    values.push(bounds.startUs.toString());
    where.push(`s.start_time >= ${timestampFromMicros(values.length)}`);
  }
  if (bounds.endUs !== undefined) {
    values.push(bounds.endUs.toString());
    where.push(`s.start_time <= ${timestampFromMicros(values.length)}`);
  }
  const sql = `${SELECT_SPANS}\n   WHERE ${where.join(" AND ")}\n   ORDER BY s.trace_id, s.start_time, s.span_id`;
  // A named (prepared) statement: planning a lookup over every hourly partition costs more
  // than running it (≈4 ms vs <1 ms at 48 partitions), and PostgreSQL's cached generic plan
  // avoids that after a few executions. The name encodes the exact text variant.
  const name = `load-trace-spans-${traceIds.length === 1 ? "one" : "many"}-${bounds.startUs !== undefined ? "s" : ""}${bounds.endUs !== undefined ? "e" : ""}`;
  const result = await pool.query<SpanRow>({ name, text: sql, values });
  const names = await attributeKeyNamesFor(pool).load(pool, storedKeyIds(result.rows));
  // Spans of one resource share its parsed attributes (read-only downstream): a trace of
  // 1,000 spans from one service validates them once, not 1,000 times.
  const resourceAttributes = new Map<string, Attributes>();
  return result.rows.map((row) => toTraceSpan(row, names, resourceAttributes));
}

/** The attribute key ids used by the rows' span, event and link attributes. */
function storedKeyIds(rows: readonly SpanRow[]): Set<number> {
  const ids = new Set<number>();
  const collectFromItems = (items: unknown) => {
    if (!Array.isArray(items)) return;
    for (const item of items) {
      if (item !== null && typeof item === "object") collectStoredKeyIds((item as { attributes?: unknown }).attributes, ids);
    }
  };
  for (const row of rows) {
    collectStoredKeyIds(row.attributes, ids);
    collectFromItems(row.events);
    collectFromItems(row.links);
  }
  return ids;
}

// JSONB written by the ingest path follows lib/otlp/model.ts; parse it defensively anyway so
// one odd row degrades to missing events/links instead of a failed request.
const attributeValue: z.ZodType<AttributeValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(attributeValue), z.record(z.string(), attributeValue)]),
);
const attributesSchema = z.record(z.string(), attributeValue);
const eventsSchema = z.array(
  z.object({
    timeUnixNano: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String),
    name: z.string(),
    attributes: attributesSchema.optional(),
    droppedAttributesCount: z.number().optional(),
  }),
);
const linksSchema = z.array(
  z.object({
    traceId: z.string().regex(/^[0-9a-f]{32}$/),
    spanId: z.string().regex(/^[0-9a-f]{16}$/),
    traceState: z.string().optional(),
    attributes: attributesSchema.optional(),
    droppedAttributesCount: z.number().optional(),
    flags: z.number().optional(),
  }),
);

function parseJson<T>(schema: z.ZodType<T>, value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  const result = schema.safeParse(value);
  return result.success ? result.data : fallback;
}

/** Stored span, event and link attributes use dictionary-encoded keys (lib/db/attribute-keys). */
function decodeItems<T extends { attributes?: Attributes }>(items: T[], names: ReadonlyMap<number, string>): T[] {
  for (const item of items) if (item.attributes !== undefined) item.attributes = decodeAttributeKeys(item.attributes, names);
  return items;
}

function toTraceSpan(row: SpanRow, names: ReadonlyMap<number, string>, resourceAttributes: Map<string, Attributes>): TraceSpan {
  let attributesOfResource = resourceAttributes.get(row.resource_id);
  if (attributesOfResource === undefined) {
    attributesOfResource = parseJson(attributesSchema, row.resource_attributes, {});
    resourceAttributes.set(row.resource_id, attributesOfResource);
  }
  const span: TraceSpan = {
    traceId: row.trace_id.replaceAll("-", ""),
    spanId: row.span_id.toString("hex"),
    name: row.name,
    kind: row.kind as SpanKind,
    startTimeUs: BigInt(row.start_time_us),
    durationNs: BigInt(row.duration_ns),
    serviceName: row.service_name,
    statusCode: row.status_code as StatusCode,
    attributes: decodeAttributeKeys(parseJson(attributesSchema, row.attributes, {}), names),
    events: decodeItems(parseJson(eventsSchema, row.events, []), names),
    links: decodeItems(parseJson(linksSchema, row.links, []), names),
    droppedAttributesCount: row.dropped_attributes_count ?? 0,
    droppedEventsCount: row.dropped_events_count ?? 0,
    droppedLinksCount: row.dropped_links_count ?? 0,
    resource: {
      id: row.resource_id,
      // A span whose resource row is missing still names its service.
      serviceName: row.resource_service_name ?? row.service_name,
      attributes: attributesOfResource,
      droppedAttributesCount: row.resource_dropped_attributes_count ?? 0,
    },
  };
  if (row.parent_span_id !== null && row.parent_span_id.length > 0) span.parentSpanId = row.parent_span_id.toString("hex");
  if (row.status_message !== null && row.status_message !== "") span.statusMessage = row.status_message;
  if (row.trace_state !== null && row.trace_state !== "") span.traceState = row.trace_state;
  if (row.flags !== null) span.flags = row.flags;
  if (row.scope_id !== null && row.scope_name !== null) {
    span.scope = { id: row.scope_id, name: row.scope_name };
    if (row.scope_version !== null && row.scope_version !== "") span.scope.version = row.scope_version;
  }
  return span;
}
