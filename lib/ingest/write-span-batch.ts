import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { AttributeKeyDictionary, compareStrings } from "@/lib/db/attribute-keys";
import { localStatementTimeoutSql } from "@/lib/db/set-local-statement-timeout";
import { ensureSpanPartitions, forgetKnownPartitions, isMissingPartitionError } from "@/lib/db/partitions";
import type { Attributes, NormalizedSpan, ResourceRecord, ScopeRecord } from "@/lib/otlp/model";
import { computeRollups, type RollupPlan } from "@/lib/rollups/compute-rollups";
import { noteCommittedRollupMinutes } from "@/lib/rollups/note-committed-rollup-minutes";
import type { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import { ensureRollupPartitions } from "@/lib/rollups/ensure-rollup-partitions";
import { summarizeSpan, type SpanSummary } from "@/lib/rollups/span-summary";
import { writeBatchRollups } from "@/lib/rollups/write-batch-rollups";
import {
  SPAN_COPY_COLUMN_LIST,
  encodeSpanCopyChunks,
  formatTimestampMicros,
  spanStartMicros,
  toStorableJson,
  toStorableText,
} from "./copy-encode";
import type { EncodedSpanBatch } from "./encode-trace-request";
import { errorCode } from "./errors";

export type SpanBatchRows = {
  resources: readonly ResourceRecord[];
  scopes: readonly ScopeRecord[];
  spans: readonly NormalizedSpan[];
};

export type WriteSpanBatchResult = {
  /** Spans that became new rows. */
  inserted: number;
  /** Spans already stored (an earlier delivery) or repeated within the batch. */
  duplicates: number;
  /** Indexes into `batch.spans` of the duplicates, ascending (empty on the fast path). */
  duplicateIndexes: number[];
};

const HOUR_MS = 3_600_000;
const HOUR_US = 3_600_000_000;
const UNIQUE_VIOLATION = "23505";

/**
 * Resource and scope ids this process has committed, so the steady state skips their
 * INSERT entirely. Entries expire (default 10 min) so a row removed by retention is written
 * again soon; the map is cleared if it ever grows past `maxEntries`.
 * One cache per database: ids known in one schema say nothing about another. It also holds
 * that database's attribute key dictionary (keys → ids; they never expire).
 */
export class CatalogCache {
  private readonly resources = new Map<string, number>();
  private readonly scopes = new Map<string, number>();
  readonly attributeKeys: AttributeKeyDictionary;

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 100_000,
    attributeKeys = new AttributeKeyDictionary(),
  ) {
    this.attributeKeys = attributeKeys;
  }

  hasResource(id: string, nowMs: number): boolean {
    return isFresh(this.resources, id, nowMs);
  }

  hasScope(id: string, nowMs: number): boolean {
    return isFresh(this.scopes, id, nowMs);
  }

  /** Call only after COMMIT: a rolled-back insert must not be remembered. */
  remember(resourceIds: Iterable<string>, scopeIds: Iterable<string>, nowMs: number): void {
    const expiresAt = nowMs + this.ttlMs;
    for (const id of resourceIds) this.add(this.resources, id, expiresAt);
    for (const id of scopeIds) this.add(this.scopes, id, expiresAt);
  }

  private add(map: Map<string, number>, id: string, expiresAt: number): void {
    if (map.size >= this.maxEntries) map.clear();
    map.set(id, expiresAt);
  }
}

function isFresh(map: Map<string, number>, id: string, nowMs: number): boolean {
  const expiresAt = map.get(id);
  return expiresAt !== undefined && expiresAt > nowMs;
}

/**
 * Used when the caller passes no cache; only for a process that writes to one database (its
 * attribute key ids would be wrong in another: pass a cache per database there).
 */
const processCatalogCache = new CatalogCache();

function compareIds(a: { id: string }, b: { id: string }): number {
  // Numeric order of decimal ids, without BigInt: shorter is smaller, then lexicographic.
  return a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The records of `items` not yet known, one per id, sorted by id (a stable lock order). */
function unknownRecords<T extends { id: string }>(items: readonly T[], isKnown: (id: string) => boolean): T[] {
  const byId = new Map<string, T>();
  for (const item of items) if (!byId.has(item.id) && !isKnown(item.id)) byId.set(item.id, item);
  return [...byId.values()].sort(compareIds);
}

async function insertResources(client: pg.PoolClient, resources: ResourceRecord[]): Promise<void> {
  if (resources.length === 0) return;
  const rows = resources.map((r) => ({
    id: r.id,
    service_name: r.serviceName,
    attributes: r.attributes,
    dropped_attributes_count: r.droppedAttributesCount,
    schema_url: r.schemaUrl === undefined || r.schemaUrl === "" ? null : r.schemaUrl,
  }));
  await client.query(
    `INSERT INTO resources (id, service_name, attributes, dropped_attributes_count, schema_url)
     SELECT id, service_name, attributes, dropped_attributes_count, schema_url
       FROM jsonb_to_recordset($1::jsonb)
         AS r(id bigint, service_name text, attributes jsonb, dropped_attributes_count integer, schema_url text)
     ON CONFLICT (id) DO NOTHING`,
    [toStorableJson(rows)],
  );
}

async function insertScopes(client: pg.PoolClient, scopes: ScopeRecord[]): Promise<void> {
  if (scopes.length === 0) return;
  const rows = scopes.map((s) => ({
    id: s.id,
    name: s.name,
    version: s.version === undefined || s.version === "" ? null : s.version,
    attributes: s.attributes === undefined || Object.keys(s.attributes).length === 0 ? null : s.attributes,
    dropped_attributes_count: s.droppedAttributesCount ?? 0,
    schema_url: s.schemaUrl === undefined || s.schemaUrl === "" ? null : s.schemaUrl,
  }));
  await client.query(
    `INSERT INTO scopes (id, name, version, attributes, dropped_attributes_count, schema_url)
     SELECT id, name, version, attributes, dropped_attributes_count, schema_url
       FROM jsonb_to_recordset($1::jsonb)
         AS s(id bigint, name text, version text, attributes jsonb, dropped_attributes_count integer, schema_url text)
     ON CONFLICT (id) DO NOTHING`,
    [toStorableJson(rows)],
  );
}

/** Streams COPY text into `table` and resolves when the server has accepted every row. */
async function copyRows(client: pg.PoolClient, table: string, chunks: readonly Buffer[]): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${SPAN_COPY_COLUMN_LIST}) FROM STDIN`));
  await new Promise<void>((resolve, reject) => {
    stream.on("error", reject);
    stream.on("finish", resolve);
    // Everything is in memory already, so write without waiting for 'drain'.
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
}

function isUniqueViolation(error: unknown): boolean {
  return errorCode(error) === UNIQUE_VIOLATION;
}

/** Column indexes of trace_id and span_id in SPAN_COPY_COLUMNS. */
const TRACE_ID_COLUMN = 4;
const SPAN_ID_COLUMN = 11;

/**
 * trace id + span id + start (µs) of every row, as the slow path's INSERT … RETURNING spells
 * them, read back from the COPY text (only after a duplicate, so the rows are all there is to
 * keep per span). Lines never hold a raw newline or tab inside a value (COPY escapes them),
 * and the columns up to span_id are ASCII, so latin1 reads them exactly.
 */
function spanKeysOf(copyChunks: readonly Buffer[], startMicros: Float64Array): string[] {
  const keys: string[] = [];
  for (const chunk of copyChunks) {
    const text = chunk.toString("latin1");
    for (let lineStart = 0; lineStart < text.length;) {
      let lineEnd = text.indexOf("\n", lineStart);
      if (lineEnd === -1) lineEnd = text.length;
      const columns = text.slice(lineStart, lineEnd).split("\t", SPAN_ID_COLUMN + 1);
      // span_id is bytea input "\\x…" (backslash doubled for COPY).
      keys.push(columns[TRACE_ID_COLUMN] + columns[SPAN_ID_COLUMN].slice(3) + startMicros[keys.length]);
      lineStart = lineEnd + 1;
    }
  }
  return keys;
}

/**
 * Slow path after a duplicate: stage the rows, insert those not stored yet, and find out
 * which spans were new from what the INSERT returns.
 */
async function insertSkippingDuplicates(
  client: pg.PoolClient,
  startMicros: Float64Array,
  copyChunks: readonly Buffer[],
): Promise<number[]> {
  await client.query("CREATE TEMP TABLE breakwater_spans_staging (LIKE spans) ON COMMIT DROP");
  await copyRows(client, "breakwater_spans_staging", copyChunks);
  const result = await client.query<[string]>({
    text: `INSERT INTO spans (${SPAN_COPY_COLUMN_LIST})
           SELECT ${SPAN_COPY_COLUMN_LIST} FROM breakwater_spans_staging
           ON CONFLICT DO NOTHING
           RETURNING replace(trace_id::text, '-', '') || encode(span_id, 'hex')
                     || (extract(epoch FROM start_time) * 1000000)::bigint::text`,
    rowMode: "array",
  });
  const insertedKeys = new Set<string>();
  for (const row of result.rows) insertedKeys.add(row[0]);
  const duplicateIndexes: number[] = [];
  const keys = spanKeysOf(copyChunks, startMicros);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    // Deleting the key credits a span repeated within the batch to its first occurrence only.
    if (!insertedKeys.delete(key)) duplicateIndexes.push(i);
  }
  return duplicateIndexes;
}

type ServiceTotals = {
  count: number;
  firstUs: number;
  lastUs: number;
  /** Latest start (µs) per span name, indexed by span kind (0–5). */
  operations: Map<string, number[]>;
};

/**
 * Per-service counts and per-operation latest start of the spans not listed in
 * `duplicateIndexes` (ascending). Nested maps instead of a composite string key: this runs
 * over every span of every batch.
 */
function summarizeCatalogues(
  spans: SpanCatalogueColumns,
  startMicros: Float64Array,
  duplicateIndexes: readonly number[],
): Map<string, ServiceTotals> {
  const services = new Map<string, ServiceTotals>();
  const { serviceNames, names, kinds } = spans;
  let nextDuplicate = 0;
  for (let i = 0; i < serviceNames.length; i++) {
    if (nextDuplicate < duplicateIndexes.length && duplicateIndexes[nextDuplicate] === i) {
      nextDuplicate++;
      continue;
    }
    const serviceName = serviceNames[i];
    const startUs = startMicros[i];
    let service = services.get(serviceName);
    if (service === undefined) {
      service = { count: 0, firstUs: startUs, lastUs: startUs, operations: new Map() };
      services.set(serviceName, service);
    }
    service.count++;
    if (startUs < service.firstUs) service.firstUs = startUs;
    if (startUs > service.lastUs) service.lastUs = startUs;
    let byKind = service.operations.get(names[i]);
    if (byKind === undefined) {
      byKind = [];
      service.operations.set(names[i], byKind);
    }
    const kind = kinds[i];
    const previous = byKind[kind];
    if (previous === undefined || startUs > previous) byKind[kind] = startUs;
  }
  return services;
}

/**
 * Bumps the service and operation catalogues for the spans that were new. Spans may start up
 * to a day ahead (clock skew), but "last seen" must not lie in the future: first_seen and
 * last_seen are clamped to now() (the transaction's start). Runs last, just
 * before COMMIT, with rows in key order: both keep row-lock time short and the lock order
 * identical across writer connections, so two writers cannot deadlock here.
 */
async function upsertCatalogues(client: pg.PoolClient, services: Map<string, ServiceTotals>): Promise<void> {
  if (services.size === 0) return;
  const serviceNames = [...services.keys()].sort(compareStrings);
  const totals = serviceNames.map((name) => services.get(name)!);
  await client.query(
    `INSERT INTO services AS s (name, first_seen, last_seen, span_count)
     SELECT name, least(first_seen, now()), least(last_seen, now()), span_count
       FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::bigint[]) AS u(name, first_seen, last_seen, span_count)
     ON CONFLICT (name) DO UPDATE
       SET span_count = s.span_count + excluded.span_count,
           first_seen = least(s.first_seen, excluded.first_seen),
           last_seen = greatest(s.last_seen, excluded.last_seen)`,
    [
      serviceNames.map(toStorableText),
      totals.map((t) => formatTimestampMicros(t.firstUs)),
      totals.map((t) => formatTimestampMicros(t.lastUs)),
      totals.map((t) => t.count),
    ],
  );

  const opServices: string[] = [];
  const opNames: string[] = [];
  const opKinds: number[] = [];
  const opLastSeen: string[] = [];
  for (let s = 0; s < serviceNames.length; s++) {
    const operations = totals[s].operations;
    for (const name of [...operations.keys()].sort(compareStrings)) {
      const byKind = operations.get(name)!;
      for (let kind = 0; kind < byKind.length; kind++) {
        const lastUs = byKind[kind];
        if (lastUs === undefined) continue;
        opServices.push(toStorableText(serviceNames[s]));
        opNames.push(toStorableText(name));
        opKinds.push(kind);
        opLastSeen.push(formatTimestampMicros(lastUs));
      }
    }
  }
  await client.query(
    `INSERT INTO operations AS o (service_name, name, span_kind, last_seen)
     SELECT service_name, name, span_kind, least(last_seen, now())
       FROM unnest($1::text[], $2::text[], $3::smallint[], $4::timestamptz[]) AS u(service_name, name, span_kind, last_seen)
     ON CONFLICT (service_name, name, span_kind) DO UPDATE
       SET last_seen = excluded.last_seen
       WHERE o.last_seen < excluded.last_seen`,
    [opServices, opNames, opKinds, opLastSeen],
  );
}

/** What the catalogues need of each span, in batch order. */
type SpanCatalogueColumns = { serviceNames: string[]; names: string[]; kinds: number[] };

/** One request of a batch: normalized spans (encoded here) or rows the receiver encoded already. */
export type SpanBatchPart = SpanBatchRows | EncodedSpanBatch;

function isEncoded(part: SpanBatchPart): part is EncodedSpanBatch {
  return "copyText" in part;
}

/** Spans in a request, whichever form it has. */
export function spanCountOf(part: SpanBatchPart): number {
  return isEncoded(part) ? part.spanCount : part.spans.length;
}

/** A batch encoded for COPY and summarized, ready to write (and to write again on a retry). */
export type PreparedSpanBatch = {
  readonly parts: readonly SpanBatchPart[];
  readonly resources: readonly ResourceRecord[];
  readonly scopes: readonly ScopeRecord[];
  readonly spanCount: number;
  readonly startMicros: Float64Array;
  readonly catalogueColumns: SpanCatalogueColumns;
  readonly hourStartsMs: ReadonlySet<number>;
  /** The attribute key dictionary the rows are encoded with (that of the target database). */
  readonly attributeKeys: AttributeKeyDictionary;
  /**
   * COPY text; undefined while the batch uses attribute keys the dictionary does not know
   * yet (`unknownKeys`): the write resolves them first and then encodes (once).
   */
  copyChunks: readonly Buffer[] | undefined;
  unknownKeys: ReadonlySet<string>;
  /** Catalogue totals when every span turns out new (the fast path). */
  readonly allNewCatalogues: Map<string, ServiceTotals>;
  /** Per span, in batch order, the rollup input (lib/rollups/span-summary). */
  readonly summaries: readonly SpanSummary[];
};

/**
 * The CPU part of a write: COPY text and catalogue totals. Throws for a span that cannot be
 * encoded. The span writer does this before taking a connection, so the connection is not
 * held idle while a batch is encoded, and a retried batch is not encoded twice. `cache` must
 * be the one the batch is then written with (its attribute key dictionary encodes the rows).
 */
export function prepareSpanBatch(
  rows: SpanBatchRows,
  cache: CatalogCache = processCatalogCache,
): PreparedSpanBatch & { rows: SpanBatchRows } {
  return { ...prepareSpanBatchParts([rows], cache), rows };
}

/**
 * prepareSpanBatch for several requests written in one transaction, in order. Requests the
 * receiver encoded already (EncodedSpanBatch) are taken as they are; they must have been
 * encoded with `cache`'s attribute key dictionary.
 */
export function prepareSpanBatchParts(
  parts: readonly SpanBatchPart[],
  cache: CatalogCache = processCatalogCache,
): PreparedSpanBatch {
  let spanCount = 0;
  for (const part of parts) spanCount += spanCountOf(part);
  const startMicros = new Float64Array(spanCount);
  const catalogueColumns: SpanCatalogueColumns = { serviceNames: [], names: [], kinds: [] };
  const summaries: SpanSummary[] = [];
  const resources: ResourceRecord[] = [];
  const scopes: ScopeRecord[] = [];
  const unknownKeys = new Set<string>();
  let offset = 0;
  for (const part of parts) {
    for (let i = 0; i < part.resources.length; i++) resources.push(part.resources[i]);
    for (let i = 0; i < part.scopes.length; i++) scopes.push(part.scopes[i]);
    if (isEncoded(part)) {
      if (part.attributeKeys !== cache.attributeKeys) {
        throw new Error("an encoded span batch must be written with the attribute key dictionary it was encoded with");
      }
      startMicros.set(part.startMicros, offset);
      for (let i = 0; i < part.spanCount; i++) {
        catalogueColumns.serviceNames.push(part.serviceNames[i]);
        catalogueColumns.names.push(part.names[i]);
        catalogueColumns.kinds.push(part.kinds[i]);
        summaries.push(part.summaries[i]);
      }
      offset += part.spanCount;
      continue;
    }
    for (const span of part.spans) {
      startMicros[offset++] = spanStartMicros(span.startTimeUnixNano);
      catalogueColumns.serviceNames.push(span.serviceName);
      catalogueColumns.names.push(span.name);
      catalogueColumns.kinds.push(span.kind);
      summaries.push(summarizeSpan(span));
      collectUnknownKeys(cache.attributeKeys, span, unknownKeys);
    }
  }
  const hourStartsMs = new Set<number>();
  for (let i = 0; i < spanCount; i++) hourStartsMs.add(Math.floor(startMicros[i] / HOUR_US) * HOUR_MS);
  const prepared: PreparedSpanBatch = {
    parts,
    resources,
    scopes,
    spanCount,
    startMicros,
    catalogueColumns,
    hourStartsMs,
    attributeKeys: cache.attributeKeys,
    copyChunks: undefined,
    unknownKeys,
    allNewCatalogues: summarizeCatalogues(catalogueColumns, startMicros, []),
    summaries,
  };
  // With unknown keys the rows are encoded once they are resolved (copyChunksOf), not twice.
  if (unknownKeys.size === 0) encodePrepared(prepared);
  return prepared;
}

/** Adds the attribute keys of a span, its events and links that `dictionary` cannot encode yet. */
function collectUnknownKeys(dictionary: AttributeKeyDictionary, span: NormalizedSpan, unknown: Set<string>): void {
  const collect = (attributes: Attributes | undefined) => {
    if (attributes === undefined) return;
    for (const key of Object.keys(attributes)) if (dictionary.token(key) === undefined) unknown.add(key);
  };
  collect(span.attributes);
  if (span.events !== undefined) for (const event of span.events) collect(event.attributes);
  if (span.links !== undefined) for (const link of span.links) collect(link.attributes);
}

/** Encodes the COPY text; leaves it undefined (and lists the keys) when a key is not known yet. */
function encodePrepared(prepared: PreparedSpanBatch): void {
  const missing = new Set<string>();
  const keys = { dictionary: prepared.attributeKeys, missing };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const part of prepared.parts) {
    if (isEncoded(part)) {
      if (part.spanCount > 0) chunks.push(part.copyText);
      offset += part.spanCount;
      continue;
    }
    const startMicros = prepared.startMicros.subarray(offset, offset + part.spans.length);
    for (const chunk of encodeSpanCopyChunks(part.spans, undefined, startMicros, keys)) chunks.push(chunk);
    offset += part.spans.length;
  }
  prepared.copyChunks = missing.size === 0 ? chunks : undefined;
  prepared.unknownKeys = missing;
}

/**
 * The COPY text of a prepared batch, resolving its unknown attribute keys first. Runs before
 * BEGIN: the key INSERT commits on its own, so the ids exist for every reader before a span
 * refers to them, and the span transaction does not hold the dictionary's index locks.
 */
async function copyChunksOf(client: pg.PoolClient, prepared: PreparedSpanBatch): Promise<readonly Buffer[]> {
  if (prepared.copyChunks !== undefined) return prepared.copyChunks;
  await prepared.attributeKeys.resolve(client, prepared.unknownKeys);
  encodePrepared(prepared);
  if (prepared.copyChunks === undefined) throw new Error("attribute keys still unknown after resolving them");
  return prepared.copyChunks;
}

function isPrepared(batch: SpanBatchRows | PreparedSpanBatch): batch is PreparedSpanBatch {
  return "copyChunks" in batch;
}

export type WriteSpanBatchOptions = {
  cache?: CatalogCache;
  /**
   * Owner of the known-partitions cache: one object per database, e.g. the pool `client` came
   * from (then partitions ensured through the pool, or by another of its connections, are
   * known here too). Default: `cache` when given, else `client` (a cache per connection).
   */
  partitionCacheOwner?: object;
  nowMs?: number;
  /** SET LOCAL statement_timeout for the span transaction, in ms (0 or absent: the session's). */
  statementTimeoutMs?: number;
  /**
   * Writes the batch's rollups (lib/rollups) in the span transaction, pairing edges through
   * this cache: one per process and database. Absent: no rollups are written.
   */
  edgePairing?: EdgePairingCache;
};

/**
 * Writes one batch in ONE transaction: unknown resources and scopes, the spans by COPY,
 * then the service/operation catalogues for the new spans, then (with `edgePairing`) the
 * rollups of the new spans. Duplicate deliveries are
 * idempotent: a span already stored (same trace id, span id and start time) adds no row
 * and is counted in `duplicates`. Resolves after COMMIT; on error the transaction is
 * rolled back (as far as the connection allows) and the error is rethrown.
 *
 * A partition missing although the in-memory partition cache lists it (another process's
 * retention dropped it) fails the COPY with 23514; the cache is then forgotten, the
 * partitions ensured again and the transaction retried once.
 */
export async function writeSpanBatch(
  client: pg.PoolClient,
  batch: SpanBatchRows | PreparedSpanBatch,
  options: WriteSpanBatchOptions = {},
): Promise<WriteSpanBatchResult> {
  if ((isPrepared(batch) ? batch.spanCount : batch.spans.length) === 0)
    return { inserted: 0, duplicates: 0, duplicateIndexes: [] };
  // Encode before BEGIN: a span that cannot be encoded fails without opening a transaction.
  const prepared = isPrepared(batch) ? batch : prepareSpanBatch(batch, options.cache);
  for (let attempt = 0; ; attempt++) {
    try {
      return await writePrepared(client, prepared, options);
    } catch (error) {
      if (attempt > 0 || !isMissingPartitionError(error)) throw error;
      forgetKnownPartitions();
    }
  }
}

async function writePrepared(
  client: pg.PoolClient,
  prepared: PreparedSpanBatch,
  options: WriteSpanBatchOptions,
): Promise<WriteSpanBatchResult> {
  const cache = options.cache ?? processCatalogCache;
  const nowMs = options.nowMs ?? Date.now();
  const resources = unknownRecords(prepared.resources, (id) => cache.hasResource(id, nowMs));
  const scopes = unknownRecords(prepared.scopes, (id) => cache.hasScope(id, nowMs));

  const partitionCacheOwner = options.partitionCacheOwner ?? options.cache ?? client;
  // Partition DDL and new attribute keys commit on their own; doing them before BEGIN keeps
  // the span transaction short.
  await ensureSpanPartitions(client, prepared.hourStartsMs, partitionCacheOwner);
  const copyChunks = await copyChunksOf(client, prepared);
  // Planned before BEGIN (it only touches memory) so the rollup partitions can be ensured
  // outside the transaction too. Every path below ends it with commit() or abort().
  let plan: RollupPlan | undefined;
  if (options.edgePairing !== undefined) {
    plan = computeRollups(prepared.summaries, options.edgePairing, { nowMs });
    try {
      await ensureRollupPartitions(client, plan.dayStartsMs, partitionCacheOwner);
    } catch (error) {
      plan.abort();
      throw error;
    }
  }

  // SET LOCAL in the same round trip as BEGIN. Rounded up to whole ms; 0 sets nothing, and
  // a negative or non-finite value throws RangeError.
  const timeoutMs = Math.ceil(options.statementTimeoutMs ?? 0);
  const begin = timeoutMs === 0 ? "BEGIN" : `BEGIN; ${localStatementTimeoutSql(timeoutMs)}`;
  try {
    if (resources.length === 0 && scopes.length === 0) {
      // Steady state: one round trip to open the transaction.
      await client.query(`${begin}; SAVEPOINT spans_copy`);
    } else {
      await client.query(begin);
      await insertResources(client, resources);
      await insertScopes(client, scopes);
      // After the catalogue inserts, so a duplicate's rollback keeps them.
      await client.query("SAVEPOINT spans_copy");
    }
    let duplicateIndexes: number[] = [];
    let catalogues: Map<string, ServiceTotals>;
    try {
      await copyRows(client, "spans", copyChunks);
      catalogues = prepared.allNewCatalogues;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await client.query("ROLLBACK TO SAVEPOINT spans_copy");
      duplicateIndexes = await insertSkippingDuplicates(client, prepared.startMicros, copyChunks);
      catalogues = summarizeCatalogues(prepared.catalogueColumns, prepared.startMicros, duplicateIndexes);
      if (plan !== undefined && duplicateIndexes.length > 0) {
        // A duplicate was summarized by the first plan: plan again from the new spans only.
        plan.abort();
        plan = undefined;
        // No partitions to ensure (nor could they be, inside the transaction): its rows fall in
        // the batch's days, or in those of cached halves, whose batches ensured them.
        plan = computeRollups(newSpansOf(prepared.summaries, duplicateIndexes), options.edgePairing!, { nowMs });
      }
    }
    await upsertCatalogues(client, catalogues);
    // Last, after the catalogues, as in every writer: one row lock order (write-batch-rollups).
    if (plan !== undefined) await writeBatchRollups(client, plan);
    await client.query("COMMIT");
    if (plan !== undefined) {
      plan.commit();
      // After COMMIT, outside the transaction: rows of an already sealed 5-minute period.
      noteCommittedRollupMinutes(partitionCacheOwner, plan.minutesMs());
    }
    plan = undefined;
    cache.remember(
      resources.map((r) => r.id),
      scopes.map((s) => s.id),
      nowMs,
    );
    return {
      inserted: prepared.spanCount - duplicateIndexes.length,
      duplicates: duplicateIndexes.length,
      duplicateIndexes,
    };
  } catch (error) {
    // The caller discards a connection that failed; this only matters when it is healthy.
    await client.query("ROLLBACK").catch(() => undefined);
    // A COMMIT that failed is a rollback too; a retry plans again.
    plan?.abort();
    throw error;
  }
}

/** The summaries not listed in `duplicateIndexes` (ascending). */
function newSpansOf(summaries: readonly SpanSummary[], duplicateIndexes: readonly number[]): SpanSummary[] {
  const fresh: SpanSummary[] = [];
  let nextDuplicate = 0;
  for (let i = 0; i < summaries.length; i++) {
    if (nextDuplicate < duplicateIndexes.length && duplicateIndexes[nextDuplicate] === i) {
      nextDuplicate++;
      continue;
    }
    fresh.push(summaries[i]);
  }
  return fresh;
}
