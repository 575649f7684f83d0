import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanWriter } from "@/lib/ingest/span-writer";
import { type NormalizedSpan, type ResourceRecord, SPAN_KIND, type SpanKind, STATUS_CODE } from "@/lib/otlp/model";
import { bucketIndexOfMicros } from "@/lib/rollups/log-histogram";
import { takeDirtyPeriods } from "@/lib/rollups/note-committed-rollup-minutes";
import { readSealedUntil, sealCoarseRollups } from "@/lib/rollups/seal-coarse-rollups";
import { createTestDatabase, type TestDatabase } from "@/lib/test/db";
import { getServiceEdges } from "./get-service-edges";
import { getServiceOperations } from "./get-service-operations";
import { getServiceSeries } from "./get-service-series";

// Reads that take sealed periods from the coarse rollups (5-minute and quarter-hour rows) must
// return exactly what reading the minute rows only returns: same buckets, calls, errors,
// rates and percentiles. Traffic every 20 s from 09:20 to 10:17 (gateway → orders →
// postgresql, two operations, varied latencies, some errors), sealed "at" 10:18:30: periods
// up to 10:15 are sealed, 10:15–10:20 is not.

const MINUTE_MS = 60_000;
const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);
const at = (minutes: number, seconds = 0) => T0 + minutes * MINUTE_MS + seconds * 1_000;
const NOW = at(18, 30);
const SEALED_UNTIL = at(15);

let db: TestDatabase;

const hex = (n: number, length: number) => n.toString(16).padStart(length, "0");

function resourceOf(serviceName: string): ResourceRecord {
  const id = String(8_000_000_000 + ([...serviceName].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 11) % 1_000_000_000));
  return { id, serviceName, attributes: { "service.name": serviceName }, droppedAttributesCount: 0 };
}

function span(fields: {
  trace: number;
  span: number;
  parent?: number;
  service: string;
  name: string;
  kind: SpanKind;
  startMs: number;
  durationMs: number;
  isError?: boolean;
  attributes?: Record<string, string>;
}): NormalizedSpan {
  return {
    traceId: hex(fields.trace, 32),
    spanId: hex(fields.span, 16),
    parentSpanId: fields.parent === undefined ? undefined : hex(fields.parent, 16),
    name: fields.name,
    kind: fields.kind,
    startTimeUnixNano: BigInt(fields.startMs) * 1_000_000n,
    durationNs: BigInt(Math.round(fields.durationMs * 1_000_000)),
    serviceName: fields.service,
    resourceId: resourceOf(fields.service).id,
    statusCode: fields.isError === true ? STATUS_CODE.ERROR : STATUS_CODE.OK,
    attributes: fields.attributes ?? {},
  };
}

/**
 * Server latencies, ms: mostly fast with a tail, repeated unevenly, so histograms have
 * buckets with different counts (a merge that mixed up ids and counts would show).
 */
const SERVER_MS = [10, 10, 10, 12, 12, 30, 10, 45, 10, 12, 250, 10, 12, 31, 10, 900, 10];

/** One request: gateway CLIENT → orders SERVER (GET or POST /orders) → postgresql. */
function request(trace: number, startMs: number): NormalizedSpan[] {
  const serverMs = SERVER_MS[trace % SERVER_MS.length];
  const isError = trace % 7 === 0;
  const name = trace % 2 === 0 ? "GET /orders" : "POST /orders";
  return [
    span({
      trace,
      span: trace * 10 + 1,
      service: "gateway",
      name,
      kind: SPAN_KIND.CLIENT,
      startMs,
      durationMs: serverMs + 2,
      isError,
    }),
    span({
      trace,
      span: trace * 10 + 2,
      parent: trace * 10 + 1,
      service: "orders",
      name,
      kind: SPAN_KIND.SERVER,
      startMs: startMs + 1,
      durationMs: serverMs,
      isError,
    }),
    span({
      trace,
      span: trace * 10 + 3,
      parent: trace * 10 + 2,
      service: "orders",
      name: "SELECT orders",
      kind: SPAN_KIND.CLIENT,
      startMs: startMs + 2,
      durationMs: trace % 5 === 0 ? 7 : 1 + (trace % 2),
      attributes: { "db.system": "postgresql" },
    }),
  ];
}

/** Through the real span writer, which writes the minute rollups (never the coarse ones). */
async function ingest(spans: NormalizedSpan[]): Promise<void> {
  const writer = new SpanWriter(db.pool, { connections: 1, batchMaxWaitMs: 1 });
  writer.start();
  try {
    await writer.submit({
      resources: [resourceOf("gateway"), resourceOf("orders")],
      scopes: [],
      spans,
      rejectedSpans: 0,
      rejectionReasons: [],
    });
  } finally {
    await writer.close();
  }
}

/** `read` as it would be with nothing sealed: minute rows only. */
async function fromMinutesOnly<T>(read: () => Promise<T>): Promise<T> {
  const { rows } = await db.pool.query("DELETE FROM rollup_progress RETURNING rollup, sealed_until, updated_at");
  try {
    return await read();
  } finally {
    for (const row of rows as { rollup: string; sealed_until: Date; updated_at: Date }[]) {
      await db.pool.query("INSERT INTO rollup_progress (rollup, sealed_until, updated_at) VALUES ($1, $2, $3)", [
        row.rollup,
        row.sealed_until,
        row.updated_at,
      ]);
    }
  }
}

type Read = { label: string; run: () => Promise<unknown> };

const series = (
  fromMs: number,
  toMs: number,
  bucketMinutes: number,
  extra: { operation?: string; spanKinds?: SpanKind[] } = {},
): Read => ({
  label: `series ${new Date(fromMs).toISOString()}…${new Date(toMs).toISOString()} by ${bucketMinutes} min ${JSON.stringify(extra)}`,
  run: () => getServiceSeries({ service: "orders", fromMs, toMs, bucketMs: bucketMinutes * MINUTE_MS, ...extra }, db.pool),
});

/** Windows across sealed and unsealed periods, aligned and not, and every kind of read. */
const READS: Read[] = [
  ...[5, 10, 15, 30, 60, 1, 2].map((minutes) => series(at(-37, 30), NOW, minutes)),
  ...[5, 15].map((minutes) => series(at(-33, 10), at(12, 5), minutes)), // ends inside the sealed part
  series(at(-20), at(15), 5), // exactly the sealed periods
  series(at(-40), NOW, 15, { operation: "GET /orders" }),
  series(at(-37, 30), NOW, 5, { operation: "POST /orders", spanKinds: Object.values(SPAN_KIND) }),
  series(at(-37, 30), NOW, 5, { spanKinds: [SPAN_KIND.CLIENT] }),
  series(at(-40), NOW, 15, { operation: "SELECT orders", spanKinds: [SPAN_KIND.CLIENT] }),
  ...[
    [at(-37, 30), NOW],
    [at(-33, 10), at(12, 5)],
    [at(-3), at(7)],
  ].flatMap(([fromMs, toMs]) => [
    { label: `operations ${fromMs}…${toMs}`, run: () => getServiceOperations({ service: "orders", fromMs, toMs }, db.pool) },
    {
      label: `operations (top 1) ${fromMs}…${toMs}`,
      run: () => getServiceOperations({ service: "orders", fromMs, toMs, limit: 1 }, db.pool),
    },
    { label: `edges ${fromMs}…${toMs}`, run: () => getServiceEdges({ service: "orders", fromMs, toMs }, db.pool) },
  ]),
];

async function expectSameAsMinutesOnly(): Promise<void> {
  for (const read of READS) {
    const withCoarse = await read.run();
    const minutesOnly = await fromMinutesOnly(read.run);
    expect(withCoarse, read.label).toEqual(minutesOnly);
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  const spans: NormalizedSpan[] = [];
  // 09:20:03 … 10:16:43, every 20 s: 171 requests, every period from 09:20 to 10:15 has some.
  for (let i = 0; i < 171; i++) spans.push(...request(i + 1, at(-40, 3) + i * 20_000));
  await ingest(spans);
});

afterAll(async () => {
  await db?.close();
});

describe("coarse rollups", () => {
  it("seal nothing before there are minute rows, then everything up to the last period that ended a grace time ago", async () => {
    const empty = await createTestDatabase();
    try {
      expect(await sealCoarseRollups(empty.pool, { nowMs: NOW })).toEqual({ completed: true, sealedUntilMs: null, periods: 0 });
    } finally {
      await empty.close();
    }
    // 09:20 … 10:15 (the first minute row's period up to 10:18:30 − 2 min, floored): 11 periods, in two chunks.
    expect(await sealCoarseRollups(db.pool, { nowMs: NOW })).toEqual({
      completed: true,
      sealedUntilMs: SEALED_UNTIL,
      periods: 11,
    });
    const quarters = await db.pool.query<{ minute: Date; calls: string }>(
      "SELECT minute, calls FROM service_quarter_totals WHERE service_name = 'orders' AND span_kind = $1 ORDER BY minute",
      [SPAN_KIND.SERVER],
    );
    // 09:15 holds 09:20–09:30 only; 10:15 (not sealed, and no sealed period touches it) is not computed.
    expect(quarters.rows.map((row) => [row.minute.getTime(), Number(row.calls)])).toEqual([
      [at(-45), 30],
      [at(-30), 45],
      [at(-15), 45],
      [at(0), 45],
    ]);
    const { rows } = await db.pool.query<{ minute: Date; calls: string; bucket_ids: number[]; bucket_counts: string[] }>(
      "SELECT minute, calls, bucket_ids, bucket_counts FROM service_five_minute_totals WHERE service_name = 'orders' AND span_kind = $1 ORDER BY minute",
      [SPAN_KIND.SERVER],
    );
    expect(rows.map((row) => row.minute.getTime())).toEqual(Array.from({ length: 11 }, (_, i) => at(-40 + 5 * i)));
    // 15 requests per period (one every 20 s); the histogram sorted by bucket, counts adding up.
    expect(rows.map((row) => Number(row.calls))).toEqual(Array(11).fill(15));
    // 09:20–09:25 holds requests 1 … 15: their server latencies, binned and counted.
    const expected = new Map<number, number>();
    for (let trace = 1; trace <= 15; trace++) {
      const bucket = bucketIndexOfMicros(SERVER_MS[trace % SERVER_MS.length] * 1_000);
      expected.set(bucket, (expected.get(bucket) ?? 0) + 1);
    }
    const ids = [...expected.keys()].sort((a, b) => a - b);
    expect({ ids: rows[0].bucket_ids, counts: rows[0].bucket_counts.map(Number) }).toEqual({
      ids,
      counts: ids.map((id) => expected.get(id)),
    });
    for (const row of rows) {
      expect([...row.bucket_ids].sort((a, b) => a - b)).toEqual(row.bucket_ids);
      expect(row.bucket_counts.reduce((sum, c) => sum + Number(c), 0)).toBe(15);
    }
  });

  it("read the same series, operations and edges as the minute rows alone, across sealed and unsealed periods", async () => {
    await expectSameAsMinutesOnly();
  });

  it("take sealed quarters, then sealed 5-minute periods, wholly inside the window and a bucket from the coarse rows, the rest from minutes", async () => {
    // Marked coarse rows: a quarter counts 1,000 calls more, a 5-minute period 100,000.
    await db.pool.query("UPDATE service_quarter_totals SET calls = calls + 1000");
    await db.pool.query("UPDATE service_five_minute_totals SET calls = calls + 100000");
    const levelOf = (calls: number) => (calls > 100_000 ? "five_minute" : calls > 1_000 ? "quarter" : "minute");
    const read = async (bucketMinutes: number) =>
      (
        await getServiceSeries(
          { service: "orders", fromMs: at(-37, 30), toMs: NOW, bucketMs: bucketMinutes * MINUTE_MS },
          db.pool,
        )
      ).buckets.map((b) => [(b.startMs - T0) / MINUTE_MS, levelOf(b.calls)]);
    try {
      // From 09:22: 09:22–09:25 minutes + 09:25 period; 09:30, 09:45, 10:00 quarters; 10:15 not sealed.
      expect(await read(15)).toEqual([
        [-45, "five_minute"],
        [-30, "quarter"],
        [-15, "quarter"],
        [0, "quarter"],
        [15, "minute"],
      ]);
      // 5-minute buckets: quarters do not fit.
      expect(await read(5)).toEqual([
        [-40, "minute"],
        ...Array.from({ length: 10 }, (_, i) => [-35 + 5 * i, "five_minute"]),
        [15, "minute"],
      ]);
      // 2-minute buckets would split periods: minutes only.
      expect((await read(2)).every(([, level]) => level === "minute")).toBe(true);
    } finally {
      await db.pool.query("UPDATE service_quarter_totals SET calls = calls - 1000");
      await db.pool.query("UPDATE service_five_minute_totals SET calls = calls - 100000");
    }
    await expectSameAsMinutesOnly();
  });

  it("recompute a sealed period when this process writes late rows into it", async () => {
    // A request at 09:31 arriving now: its period (09:30) was sealed and is past the horizon.
    await ingest(request(1_000, at(-29)));
    const fiveMinutes = series(at(-40), NOW, 5);
    // Until the next pass, the coarse row of 09:30 lacks it…
    const stale = (await fiveMinutes.run()) as Awaited<ReturnType<typeof getServiceSeries>>;
    expect(stale.buckets.find((b) => b.startMs === at(-30))?.calls).toBe(15);
    // …the pass recomputes the period the writer noted (and the recent ones).
    const pass = await sealCoarseRollups(db.pool, { nowMs: NOW });
    expect(pass).toMatchObject({ completed: true, sealedUntilMs: SEALED_UNTIL });
    const fresh = (await fiveMinutes.run()) as Awaited<ReturnType<typeof getServiceSeries>>;
    expect(fresh.buckets.find((b) => b.startMs === at(-30))?.calls).toBe(16);
    // …and its quarter.
    const quarter = (await series(at(-30), at(-15), 15).run()) as Awaited<ReturnType<typeof getServiceSeries>>;
    expect(quarter.buckets.map((b) => b.calls)).toEqual([46]);
    await expectSameAsMinutesOnly();
  });

  it("recompute the periods within the horizon on every pass, whoever wrote their rows", async () => {
    // Written by "another process": no dirty period noted here.
    await ingest(request(1_001, at(3, 10)));
    takeDirtyPeriods(db.pool);
    await sealCoarseRollups(db.pool, { nowMs: NOW }); // horizon: from 10:03:30 floored to 10:00
    const fresh = (await series(at(0), at(15), 5).run()) as Awaited<ReturnType<typeof getServiceSeries>>;
    expect(fresh.buckets.map((b) => b.calls)).toEqual([16, 15, 15]);
    const quarter = (await series(at(0), at(15), 15).run()) as Awaited<ReturnType<typeof getServiceSeries>>;
    expect(quarter.buckets.map((b) => b.calls)).toEqual([46]);
    await expectSameAsMinutesOnly();
  });

  it("leave the work to another process that holds the lock", async () => {
    const other = await db.pool.connect();
    try {
      await other.query("BEGIN");
      await other.query("SELECT pg_advisory_xact_lock(1651798883, hashtext(current_schema() || '.rollup_progress'))");
      expect(await sealCoarseRollups(db.pool, { nowMs: NOW + 10 * MINUTE_MS })).toEqual({
        completed: false,
        sealedUntilMs: SEALED_UNTIL,
        periods: 0,
      });
    } finally {
      await other.query("ROLLBACK");
      other.release();
    }
    expect(await readSealedUntil(db.pool)).toBe(SEALED_UNTIL);
  });
});
