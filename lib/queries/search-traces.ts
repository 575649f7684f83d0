import type pg from "pg";
import { z } from "zod";
import { attributeKeyNamesFor } from "@/lib/db/attribute-keys";
import { getPool } from "@/lib/db/pool";
import { SPAN_KIND_BY_NAME, SPAN_KIND_NAMES } from "@/lib/jaeger/span-kind";
import { STATUS_CODE } from "@/lib/otlp/model";
import type { AttributeFilter } from "@/lib/traces/parse-attribute-filter";
import { loadTraceSpans, type TraceSpan, timestampFromMicros } from "./load-trace-spans";
import { withTransaction } from "@/lib/db/with-transaction";

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
  // A literal (0, 1 or 2 after validation), not a parameter: the planner proves the error
  // index's predicate (status_code = 2) from it even in a generic plan.
  if (filters.statusCode !== undefined) parts.where.push(`s.status_code = ${filters.statusCode}`);
  return parts;
}

type CandidateRow = { trace_id: string; start_us: string };

/**
 * How far (µs) from a trace's matching span its other spans are looked for when a search
 * loads or summarizes the traces it found: one hour either way. Jaeger's Elasticsearch
 * reader does the same (the search window ± 1 h), so a 1-hour search probes 2–3 hourly
 * partitions per trace instead of every partition kept. Spans of the trace that started more
 * than an hour before or after its matching span are left out of the result; getTraceById
 * (the trace page) always reads the whole trace.
 */
export const TRACE_SPAN_MARGIN_US = 3_600_000_000n;

/** A trace a search found: its id and the start of its newest span that matched every filter. */
export type TraceMatch = {
  /** 32 lowercase hex chars. */
  traceId: string;
  /** Start of the trace's newest matching span, µs since the epoch. */
  matchedStartUs: bigint;
};

/**
 * Finds the most recent traces with at least one span that matches every filter (service,
 * operation, tags, duration, start window), newest first, and loads their spans from
 * TRACE_SPAN_MARGIN_US before the earliest to TRACE_SPAN_MARGIN_US after the latest matching
 * span (in practice: all of them).
 */
export async function searchTraces(input: SearchTracesFilters): Promise<FoundTrace[]> {
  const pool = getPool();
  const matches = await findTraceMatches(input);
  if (matches.length === 0) return [];
  const traceIds = matches.map((m) => m.traceId);
  const spans = await loadTraceSpans(pool, traceIds, matchedSpanBounds(matches));
  const byTrace = new Map<string, TraceSpan[]>(traceIds.map((id) => [id, []]));
  for (const span of spans) byTrace.get(span.traceId)?.push(span);
  return traceIds.map((traceId) => ({ traceId, spans: byTrace.get(traceId) ?? [] })).filter((t) => t.spans.length > 0);
}

/** The start-time bounds within TRACE_SPAN_MARGIN_US of every match (for loadTraceSpans). */
function matchedSpanBounds(matches: readonly TraceMatch[]): { startUs: bigint; endUs: bigint } {
  let first = matches[0].matchedStartUs;
  let last = first;
  for (const { matchedStartUs } of matches) {
    if (matchedStartUs < first) first = matchedStartUs;
    if (matchedStartUs > last) last = matchedStartUs;
  }
  const startUs = first - TRACE_SPAN_MARGIN_US;
  return { startUs: startUs < 0n ? 0n : startUs, endUs: last + TRACE_SPAN_MARGIN_US };
}

/**
 * The ids (32 hex chars) of the most recent traces with a span matching every filter, newest
 * match first: the search behind searchTraces, for callers that load something else per trace.
 */
export async function findTraceIds(input: SearchTracesFilters): Promise<string[]> {
  return (await findTraceMatches(input)).map((m) => m.traceId);
}

/** Rows the first index chunk asks for per trace wanted: most searches find a trace per row or two. */
const FIRST_CHUNK_PER_TRACE = 2;
const MAX_CHUNK = 50_000;

/**
 * Planner settings for the walk, local to its transaction. The walk is meant to be an ordered
 * index scan (service index, or the error index) that stops after `limit` traces. PostgreSQL
 * prices its table fetches as random reads — it goes by the correlation of the index's first
 * column, service_name, although a service's rows lie in start-time order within each hourly
 * partition — so once the LIMIT is a sizeable part of its row estimate (a duration or
 * operation filter, a quiet service) it reads the whole window with a bitmap scan (or another
 * index) and sorts it: measured 17 ms instead of 4 for an hour of one service. Every such plan
 * needs a Sort, and only the walk does not, so enable_sort = off leaves the walk; when matches
 * are rare, reading the window in index order costs about what the bitmap scan does (measured
 * 53–165 ms vs 63–104 ms for an hour of the busiest services). JIT is off for every app
 * connection already (lib/db/pool.ts).
 */
const WALK_SETTINGS = "SET LOCAL enable_sort = off";

/**
 * findTraceIds with the start of each trace's newest matching span.
 *
 * Matching spans are read newest first from the (service_name, start_time DESC) index — for
 * status = error from the much smaller partial index of error spans, which also holds trace
 * id and duration so that error searches need no table rows — in chunks, from the end of the
 * window backwards, until `limit` distinct traces are found: a busy service costs about
 * `limit` traces' worth of index entries rather than the whole window, and the start-time
 * bounds let PostgreSQL skip partitions outside the window. The first chunk asks for two
 * rows per trace wanted, later ones for what the rows per trace seen so far predict.
 */
export async function findTraceMatches(input: SearchTracesFilters): Promise<TraceMatch[]> {
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

  return withTransaction(pool, (client) => walkMatches(client, filters.limit, base), {
    begin: `BEGIN READ ONLY; ${WALK_SETTINGS}`,
  });
}

/** The chunked walk behind findTraceMatches, on a connection with WALK_SETTINGS applied. */
async function walkMatches(client: pg.PoolClient, limit: number, base: SqlParts): Promise<TraceMatch[]> {
  /** trace id → start (µs) of its newest matching span. */
  const found = new Map<string, bigint>();
  let rowsRead = 0;
  let chunk = Math.min(Math.max(limit * FIRST_CHUNK_PER_TRACE, 20), MAX_CHUNK);
  let cursorUs: string | undefined;

  const select = (extra: string[], values: unknown[], rowLimit?: number) =>
    client.query<CandidateRow>(
      `SELECT s.trace_id::text AS trace_id, (extract(epoch FROM s.start_time) * 1000000)::bigint AS start_us
         FROM spans s
        WHERE ${[...base.where, ...extra].join(" AND ")}
        ORDER BY s.start_time DESC${rowLimit === undefined ? "" : ` LIMIT ${rowLimit}`}`,
      values,
    );

  const take = (rows: CandidateRow[]) => {
    rowsRead += rows.length;
    for (const row of rows) {
      if (found.size >= limit) return;
      const traceId = row.trace_id.replaceAll("-", "");
      if (!found.has(traceId)) found.set(traceId, BigInt(row.start_us));
    }
  };

  while (found.size < limit) {
    const values = [...base.values];
    const extra: string[] = [];
    if (cursorUs !== undefined) {
      values.push(cursorUs);
      extra.push(`s.start_time < ${timestampFromMicros(values.length)}`);
    }
    const { rows } = await select(extra, values, chunk);
    take(rows);
    if (rows.length < chunk || found.size >= limit) break;
    // The chunk ended inside a run of equal start times: read the rest of that run before
    // moving the cursor strictly past it, or those spans would be skipped.
    cursorUs = rows[rows.length - 1].start_us;
    const tieValues = [...base.values, cursorUs];
    const ties = await select([`s.start_time = ${timestampFromMicros(tieValues.length)}`], tieValues);
    take(ties.rows);
    // Enough rows for the traces still missing at the rows per trace seen so far, with a
    // margin, and at least twice the last chunk (sparse matches: fewer round trips).
    const rowsPerTrace = rowsRead / Math.max(1, found.size);
    const wanted = Math.ceil((limit - found.size) * rowsPerTrace * 1.5);
    chunk = Math.min(Math.max(wanted, chunk * 2), MAX_CHUNK);
  }

  return [...found].map(([traceId, matchedStartUs]) => ({ traceId, matchedStartUs }));
}
