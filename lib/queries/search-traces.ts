import { z } from "zod";
import { attributeKeyNamesFor } from "@/lib/db/attribute-keys";
import { getPool } from "@/lib/db/pool";
import { SPAN_KIND_BY_NAME, SPAN_KIND_NAMES } from "@/lib/jaeger/span-kind";
import { STATUS_CODE } from "@/lib/otlp/model";
import type { AttributeFilter } from "@/lib/traces/parse-attribute-filter";
import { loadTraceSpans, type TraceSpan, timestampFromMicros } from "./load-trace-spans";

export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 1500;

const attributeFilterSchema: z.ZodType<AttributeFilter> = z.object({
  key: z.string().min(1),
  isNegated: z.boolean(),
  test: z.discriminatedUnion("op", [
    z.object({ op: z.literal("exists") }),
    z.object({ op: z.literal("in"), values: z.array(z.string()).min(1) }),
    z.object({ op: z.literal("notIn"), values: z.array(z.string()).min(1) }),
    z.object({ op: z.literal("compare"), comparator: z.enum([">", ">=", "<", "<="]), value: z.number().finite() }),
  ]),
});

const searchTracesFiltersSchema = z
  .object({
    service: z.string().min(1, "service must not be empty"),
    operation: z.string().min(1).optional(),
    /** key → value; a span matches when its own or its resource's attribute equals the value. */
    tags: z.record(z.string().min(1), z.string()).default({}),
    /**
     * The Traces page's filters (lib/traces/parse-attribute-filter): presence, OR of values,
     * negation, numeric comparison; like tags, on the matching span or its resource.
     */
    attributeFilters: z.array(attributeFilterSchema).optional(),
    /** The matching span's status code. */
    statusCode: z.union([z.literal(STATUS_CODE.UNSET), z.literal(STATUS_CODE.OK), z.literal(STATUS_CODE.ERROR)]).optional(),
    minDurationNs: z.bigint().nonnegative().optional(),
    maxDurationNs: z.bigint().nonnegative().optional(),
    /** Span start window, µs since the epoch, inclusive. */
    startUs: z.bigint().nonnegative(),
    endUs: z.bigint().nonnegative(),
    limit: z.number().int().min(1).max(SEARCH_MAX_LIMIT).default(SEARCH_DEFAULT_LIMIT),
  })
  .refine((f) => f.startUs <= f.endUs, { message: "startUs must not be after endUs", path: ["startUs"] })
  .refine((f) => f.minDurationNs === undefined || f.maxDurationNs === undefined || f.minDurationNs <= f.maxDurationNs, {
    message: "maxDuration must not be less than minDuration",
    path: ["maxDurationNs"],
  });

export type SearchTracesFilters = z.input<typeof searchTracesFiltersSchema>;
/** Filters after validation and defaults. */
export type SearchTracesQuery = z.output<typeof searchTracesFiltersSchema>;

export type FoundTrace = { traceId: string; spans: TraceSpan[] };

type SqlParts = { where: string[]; values: unknown[] };

function addParam(parts: SqlParts, value: unknown): string {
  parts.values.push(value);
  return `$${parts.values.length}`;
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * The JSONB objects `{key: value}` a tag value may match: the value always as a string, and
 * also as a number or boolean when it reads as one, so `http.status_code=500` finds the
 * integer 500 and `cache.hit=true` finds the boolean.
 */
function tagCandidates(key: string, value: string): string[] {
  const jsonKey = JSON.stringify(key);
  const candidates = [`{${jsonKey}:${JSON.stringify(value)}}`];
  // The literal text, not Number(value): jsonb compares numerics exactly (500 = 500.0).
  if (JSON_NUMBER.test(value)) candidates.push(`{${jsonKey}:${value}}`);
  if (value === "true" || value === "false") candidates.push(`{${jsonKey}:${value}}`);
  return candidates;
}

/**
 * Tags that Jaeger synthesizes from span fields (see lib/jaeger/to-jaeger) match those
 * fields too, so a search for error=true finds spans with status ERROR.
 */
function syntheticTagCondition(parts: SqlParts, key: string, value: string): string | undefined {
  switch (key) {
    case "error":
      return value === "true" ? `s.status_code = ${STATUS_CODE.ERROR}` : undefined;
    case "span.kind": {
      const kind = (SPAN_KIND_NAMES as readonly string[]).includes(value)
        ? SPAN_KIND_BY_NAME[value as keyof typeof SPAN_KIND_BY_NAME]
        : undefined;
      return kind === undefined || value === "" ? undefined : `s.kind = ${kind}`;
    }
    case "otel.status_code":
      if (value === "ERROR") return `s.status_code = ${STATUS_CODE.ERROR}`;
      if (value === "OK") return `s.status_code = ${STATUS_CODE.OK}`;
      return undefined;
    case "otel.status_description":
      return `s.status_message = ${addParam(parts, value)}`;
    default:
      return undefined;
  }
}

/**
 * Span attributes store a key by its dictionary id or as a "~key" literal (lib/db/attribute-keys),
 * resource attributes plainly: the candidates for each side.
 */
type TagCandidates = { span: string[]; resource: string[] };

/** `jsonb -> key` holds a number that compares with the parameter; CASE keeps the cast off other types. */
function numericComparison(json: string, key: string, comparator: string, value: string): string {
  return `CASE WHEN jsonb_typeof(${json} -> ${key}) = 'number' THEN (${json} -> ${key})::numeric ${comparator} ${value}::numeric ELSE false END`;
}

/**
 * One Traces-page attribute filter as SQL on span `s`; every value goes in as a parameter.
 * `storedKeys` are the forms the key may take in span attributes (dictionary id, literal).
 * COALESCE makes a span without attributes (NULL) fail a positive test and pass a negated one.
 */
function attributeFilterCondition(parts: SqlParts, filter: AttributeFilter, storedKeys: string[]): string {
  const { test } = filter;
  const present = () =>
    `(COALESCE(s.attributes ?| ${addParam(parts, storedKeys)}::text[], false)` +
    ` OR s.resource_id IN (SELECT r.id FROM resources r WHERE r.attributes ? ${addParam(parts, filter.key)}))`;
  const equalsAny = (values: string[]) => {
    const span = storedKeys.flatMap((storedKey) => values.flatMap((value) => tagCandidates(storedKey, value)));
    const resource = values.flatMap((value) => tagCandidates(filter.key, value));
    return (
      `(COALESCE(s.attributes @> ANY(${addParam(parts, span)}::jsonb[]), false)` +
      ` OR s.resource_id IN (SELECT r.id FROM resources r WHERE r.attributes @> ANY(${addParam(parts, resource)}::jsonb[])))`
    );
  };
  let condition: string;
  switch (test.op) {
    case "exists":
      condition = present();
      break;
    case "in":
      condition = equalsAny(test.values);
      break;
    case "notIn":
      condition = `(${present()} AND NOT ${equalsAny(test.values)})`;
      break;
    case "compare": {
      // The comparator is one of four fixed tokens (validated above), never user text.
      const value = addParam(parts, String(test.value));
      const keys = addParam(parts, storedKeys);
      const resourceKey = addParam(parts, filter.key);
      condition =
        `(EXISTS (SELECT 1 FROM unnest(${keys}::text[]) AS k(key) WHERE ${numericComparison("s.attributes", "k.key", test.comparator, value)})` +
        ` OR s.resource_id IN (SELECT r.id FROM resources r WHERE ${numericComparison("r.attributes", `${resourceKey}::text`, test.comparator, value)}))`;
      break;
    }
  }
  return filter.isNegated ? `NOT COALESCE(${condition}, false)` : condition;
}

function buildWhere(
  filters: SearchTracesQuery,
  tagCandidatesByKey: ReadonlyMap<string, TagCandidates>,
  storedKeysByKey: ReadonlyMap<string, string[]>,
): SqlParts {
  const parts: SqlParts = { where: [], values: [] };
  parts.where.push(`s.service_name = ${addParam(parts, filters.service)}`);
  parts.values.push(filters.startUs.toString());
  parts.where.push(`s.start_time >= ${timestampFromMicros(parts.values.length)}`);
  parts.values.push(filters.endUs.toString());
  parts.where.push(`s.start_time <= ${timestampFromMicros(parts.values.length)}`);
  if (filters.operation !== undefined) parts.where.push(`s.name = ${addParam(parts, filters.operation)}`);
  if (filters.minDurationNs !== undefined) {
    parts.where.push(`s.duration_ns >= ${addParam(parts, filters.minDurationNs.toString())}::bigint`);
  }
  if (filters.maxDurationNs !== undefined) {
    parts.where.push(`s.duration_ns <= ${addParam(parts, filters.maxDurationNs.toString())}::bigint`);
  }
  for (const [key, value] of Object.entries(filters.tags)) {
    const { span, resource } = tagCandidatesByKey.get(key)!;
    const spanCandidates = addParam(parts, span);
    const resourceCandidates = addParam(parts, resource);
    // Resources are few and stored once: the sub-select becomes a small hashed set of ids.
    const alternatives = [
      `s.attributes @> ANY(${spanCandidates}::jsonb[])`,
      `s.resource_id IN (SELECT r.id FROM resources r WHERE r.attributes @> ANY(${resourceCandidates}::jsonb[]))`,
    ];
    const synthetic = syntheticTagCondition(parts, key, value);
    if (synthetic !== undefined) alternatives.push(synthetic);
    parts.where.push(`(${alternatives.join(" OR ")})`);
  }
  for (const filter of filters.attributeFilters ?? []) {
    parts.where.push(attributeFilterCondition(parts, filter, storedKeysByKey.get(filter.key)!));
  }
  if (filters.statusCode !== undefined) parts.where.push(`s.status_code = ${addParam(parts, filters.statusCode)}`);
  return parts;
}

type CandidateRow = { trace_id: string; start_us: string };

/**
 * Finds the most recent traces with at least one span that matches every filter (service,
 * operation, tags, duration, start window), newest first, and loads all their spans.
 *
 * Trace ids are collected by walking the (service_name, start_time DESC) index from the end
 * of the window backwards in growing chunks until `limit` distinct traces are found, so a
 * busy service costs about `limit` traces' worth of index entries rather than the whole
 * window; the start-time bounds let PostgreSQL skip partitions outside the window.
 */
export async function searchTraces(input: SearchTracesFilters): Promise<FoundTrace[]> {
  const pool = getPool();
  const traceIds = await findTraceIds(input);
  const spans = await loadTraceSpans(pool, traceIds);
  const byTrace = new Map<string, TraceSpan[]>(traceIds.map((id) => [id, []]));
  for (const span of spans) byTrace.get(span.traceId)?.push(span);
  return traceIds.map((traceId) => ({ traceId, spans: byTrace.get(traceId) ?? [] })).filter((t) => t.spans.length > 0);
}

/**
 * The ids (32 hex chars) of the most recent traces with a span matching every filter, newest
 * match first: the search behind searchTraces, for callers that load something else per trace.
 */
export async function findTraceIds(input: SearchTracesFilters): Promise<string[]> {
  const filters = searchTracesFiltersSchema.parse(input);
  const pool = getPool();
  const names = attributeKeyNamesFor(pool);
  const tagCandidatesByKey = new Map<string, TagCandidates>();
  for (const [key, value] of Object.entries(filters.tags)) {
    const storedKeys = await names.storedForms(pool, key);
    tagCandidatesByKey.set(key, {
      span: storedKeys.flatMap((storedKey) => tagCandidates(storedKey, value)),
      resource: tagCandidates(key, value),
    });
  }
  const storedKeysByKey = new Map<string, string[]>();
  for (const filter of filters.attributeFilters ?? []) {
    if (!storedKeysByKey.has(filter.key)) storedKeysByKey.set(filter.key, await names.storedForms(pool, filter.key));
  }
  const base = buildWhere(filters, tagCandidatesByKey, storedKeysByKey);
  const found = new Set<string>();
  let chunk = Math.min(Math.max(filters.limit * 5, 200), 10_000);
  let cursorUs: string | undefined;

  const select = (extra: string[], values: unknown[], limit?: number) =>
    pool.query<CandidateRow>(
      `SELECT s.trace_id::text AS trace_id, (extract(epoch FROM s.start_time) * 1000000)::bigint AS start_us
         FROM spans s
        WHERE ${[...base.where, ...extra].join(" AND ")}
        ORDER BY s.start_time DESC${limit === undefined ? "" : ` LIMIT ${limit}`}`,
      values,
    );

  const take = (rows: CandidateRow[]) => {
    for (const row of rows) {
      if (found.size >= filters.limit) return;
      found.add(row.trace_id.replaceAll("-", ""));
    }
  };

  while (found.size < filters.limit) {
    const values = [...base.values];
    const extra: string[] = [];
    if (cursorUs !== undefined) {
      values.push(cursorUs);
      extra.push(`s.start_time < ${timestampFromMicros(values.length)}`);
    }
    const { rows } = await select(extra, values, chunk);
    take(rows);
    if (rows.length < chunk || found.size >= filters.limit) break;
    // The chunk ended inside a run of equal start times: read the rest of that run before
    // moving the cursor strictly past it, or those spans would be skipped.
    cursorUs = rows[rows.length - 1].start_us;
    const tieValues = [...base.values, cursorUs];
    const ties = await select([`s.start_time = ${timestampFromMicros(tieValues.length)}`], tieValues);
    take(ties.rows);
    chunk = Math.min(chunk * 2, 50_000);
  }

  return [...found];
}
