import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { AttributeKeyDictionary } from "@/lib/db/attribute-keys";
import { decodeTraceRequest, OtlpDecodeError, type NormalizeOptions } from "@/lib/otlp/decode";
import type { Attributes, SpanBatch } from "@/lib/otlp/model";
import { ExportTraceServiceRequest } from "@/lib/otlp/protobuf";
import { createRandom, mutate, seedPayloads } from "@/lib/otlp/test-payloads";
import { summarizeSpan } from "@/lib/rollups/span-summary";
import { countSpans, setupIngestTestDatabase } from "@/lib/test/ingest-test-database";
import { encodeSpanCopyChunks, spanStartMicros } from "./copy-encode";
import { encodeTraceRequest, type EncodedSpanBatch } from "./encode-trace-request";
import { CatalogCache, prepareSpanBatch, prepareSpanBatchParts, writeSpanBatch } from "./write-span-batch";

// The general path (decodeTraceRequest → normalized spans → encodeSpanCopyRow) is the oracle:
// whenever encodeTraceRequest answers, its COPY text must be byte for byte the general path's,
// and its resources, scopes and per-span catalogue values the same. Payloads: the fuzz seeds,
// thousands of mutations of them, a bench-like request, and generated requests full of odd
// cases (tricky strings, invalid UTF-8, long values, nesting, duplicate and numeric keys,
// bytes, out-of-range times and ids, unknown keys, literal keys).

const db = setupIngestTestDatabase();

const NOW_MS = 1_795_255_200_000; // 2026-11-21T10:00:00Z
const WINDOW: NormalizeOptions = {
  maxAttributeValueLength: 256,
  nowMs: NOW_MS,
  maxAgeMs: 48 * 3_600_000,
  maxFutureMs: 24 * 3_600_000,
};
const NO_WINDOW: NormalizeOptions = { maxAttributeValueLength: 64 };
const UNKNOWN_KEY = "never.resolved";
const INVALID_UTF8_MARK = "INVALID-UTF8";

function generalOutcome(payload: Uint8Array, options: NormalizeOptions): SpanBatch | OtlpDecodeError {
  try {
    return decodeTraceRequest(payload, "protobuf", options);
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error;
    throw error;
  }
}

/** Every attribute key of the spans, events and links (what the dictionary must know). */
function spanAttributeKeys(batch: SpanBatch, keys: Set<string>): void {
  const add = (attributes: Attributes | undefined) => {
    for (const key of Object.keys(attributes ?? {})) keys.add(key);
  };
  for (const span of batch.spans) {
    add(span.attributes);
    for (const event of span.events ?? []) add(event.attributes);
    for (const link of span.links ?? []) add(link.attributes);
  }
}

/**
 * Runs both paths; when the fast one answers, requires it to equal the general one and
 * returns true. When it does not answer, the caller uses the general path: nothing to check.
 */
function expectSameAsGeneral(
  payload: Uint8Array,
  options: NormalizeOptions,
  dictionary: AttributeKeyDictionary,
  context: string,
) {
  const fast = encodeTraceRequest(Buffer.from(payload), options, dictionary);
  if (fast === undefined) return false;
  const general = generalOutcome(payload, options);
  if (general instanceof OtlpDecodeError)
    throw new Error(`${context}: fast path answered, general path failed: ${general.message}`);
  expect(general.rejectedSpans, context).toBe(0);
  const missing = new Set<string>();
  const rows = Buffer.concat(encodeSpanCopyChunks(general.spans, undefined, undefined, { dictionary, missing }));
  expect(missing.size, context).toBe(0);
  expect(fast.copyText.toString("utf8"), context).toBe(rows.toString("utf8"));
  expect(fast.copyText.equals(rows), context).toBe(true);
  // node's strict deep equality: vitest's toStrictEqual compares `constructor` properties,
  // which an attribute named "constructor" turns into two distinct objects.
  expect(isDeepStrictEqual(fast.resources, general.resources), context).toBe(true);
  expect(isDeepStrictEqual(fast.scopes, general.scopes), context).toBe(true);
  expect(fast.spanCount, context).toBe(general.spans.length);
  expect([...fast.startMicros], context).toEqual(general.spans.map((span) => spanStartMicros(span.startTimeUnixNano)));
  expect(fast.serviceNames, context).toEqual(general.spans.map((span) => span.serviceName));
  expect(fast.names, context).toEqual(general.spans.map((span) => span.name));
  expect([...fast.kinds], context).toEqual(general.spans.map((span) => span.kind));
  // The rollup input: what summarizeSpan makes of the general path's spans.
  const summaries = general.spans.map(summarizeSpan);
  if (!isDeepStrictEqual(fast.summaries, summaries)) expect(fast.summaries, context).toStrictEqual(summaries);
  expect(isDeepStrictEqual(fast.summaries, summaries), context).toBe(true);
  expect(fast.rejectedSpans).toBe(0);
  return true;
}

/** A dictionary of the test schema that knows every key of the payloads except UNKNOWN_KEY. */
async function dictionaryFor(payloads: Uint8Array[], options: NormalizeOptions[], maxKeys?: number) {
  const keys = new Set<string>();
  for (const payload of payloads) {
    for (const option of options) {
      const general = generalOutcome(payload, option);
      if (!(general instanceof OtlpDecodeError)) spanAttributeKeys(general, keys);
    }
  }
  keys.delete(UNKNOWN_KEY);
  const dictionary = new AttributeKeyDictionary(maxKeys);
  await dictionary.resolve(db().pool, keys);
  return dictionary;
}

// ---- generated payloads -----------------------------------------------------------------------

const STRINGS = [
  "",
  "GET",
  "/api/products/{id}",
  "tab\there",
  "back\\slash",
  'quo"te',
  "nul\0byte",
  "line\nbreak\rcr",
  "ctl\u0001\u001f",
  "del\u007f",
  "\u2028sep",
  "é",
  "日本語のスパン",
  "emoji 😀 here",
  "\\u0000 literally",
  "\\ud800 literally",
  "x".repeat(70),
  "y".repeat(300),
  "é".repeat(200),
  "日".repeat(400),
  "😀".repeat(300),
  "ab😀".repeat(40),
  INVALID_UTF8_MARK,
];
const PLAIN_KEYS = [
  "http.request.method",
  "http.route",
  "url.path",
  "server.address",
  "server.port",
  "db.system",
  // The rest of the peer attributes the rollups read (lib/rollups/span-summary).
  "peer.service",
  "net.peer.name",
  "db.system.name",
  "messaging.system",
];
const KEYS = [
  "http.request.method",
  "http.route",
  "url.path",
  "k",
  "",
  "__proto__",
  "constructor",
  "7",
  "12abc",
  "a\0b",
  "key with space",
  "ключ",
  "back\\slash.key",
  'quo"te.key',
  "tab\tkey",
  "k".repeat(600),
  "peer.service",
  "server.address",
  "db.system.name",
  "messaging.system",
  UNKNOWN_KEY,
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function chance(random: () => number, p: number): boolean {
  return random() < p;
}

function randomBytesOf(random: () => number, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}

type Json = Record<string, unknown>;

function randomValue(random: () => number, depth: number): Json {
  const choice = random();
  if (choice < 0.35) return { stringValue: pick(random, STRINGS) };
  if (choice < 0.45) {
    const safe = String(Math.floor((random() - 0.5) * 2 ** Math.floor(random() * 54)));
    return {
      intValue: pick(random, [
        safe,
        "0",
        "-1",
        "200",
        "9007199254740991",
        "-9007199254740991",
        "9007199254740993",
        "-9223372036854775808",
      ]),
    };
  }
  if (choice < 0.52)
    return { doubleValue: pick(random, [1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300]) };
  if (choice < 0.58) return { boolValue: chance(random, 0.5) };
  if (choice < 0.65) return { bytesValue: randomBytesOf(random, Math.floor(random() * (chance(random, 0.2) ? 300 : 12))) };
  if (choice < 0.75 && depth < 11) {
    return { arrayValue: { values: Array.from({ length: Math.floor(random() * 3) }, () => randomValue(random, depth + 1)) } };
  }
  if (choice < 0.85 && depth < 11) {
    return {
      kvlistValue: {
        values: Array.from({ length: Math.floor(random() * 3) }, () => ({
          key: pick(random, KEYS),
          value: randomValue(random, depth + 1),
        })),
      },
    };
  }
  return {};
}

/** Distinct keys (but for the occasional repeat or bulk list when `odd`) with random values. */
function randomAttributes(random: () => number, odd: boolean): Json[] {
  if (odd && chance(random, 0.05)) {
    return Array.from({ length: 130 }, (_, i) => ({ key: `bulk.${i}`, value: { stringValue: "v" } }));
  }
  const keys = [...(odd ? KEYS : PLAIN_KEYS)].sort(() => random() - 0.5).slice(0, Math.floor(random() * 6));
  if (odd && keys.length > 0 && chance(random, 0.1)) keys.push(keys[0]);
  // Mostly short plain strings when not `odd`; `odd` draws from every kind of value.
  return keys.map((key) => ({
    key,
    value: odd || chance(random, 0.3) ? randomValue(random, 0) : { stringValue: pick(random, STRINGS.slice(0, 3)) },
  }));
}

function randomId(random: () => number, bytes: number, odd: boolean): Buffer | undefined {
  if (odd && chance(random, 0.1)) return pick(random, [undefined, Buffer.alloc(bytes), randomBytesOf(random, bytes - 1)]);
  return randomBytesOf(random, bytes);
}

function randomSpan(random: () => number, odd: boolean): Json {
  const windowStartNs = BigInt(NOW_MS - 3_600_000) * 1_000_000n;
  let start = windowStartNs + BigInt(Math.floor(random() * 3_600_000_000)) * 1000n + BigInt(Math.floor(random() * 1000));
  if (odd && chance(random, 0.1)) {
    start = pick(random, [
      0n,
      BigInt(NOW_MS - 48 * 3_600_000) * 1_000_000n, // exactly the oldest accepted start
      BigInt(NOW_MS - 48 * 3_600_000) * 1_000_000n - 1n,
      BigInt(NOW_MS + 24 * 3_600_000) * 1_000_000n, // exactly the latest accepted start
      BigInt(NOW_MS + 24 * 3_600_000) * 1_000_000n + 1n,
      9_300_000_000_000_000_000n, // past 2^63
      1n << 60n,
    ]);
  }
  let end = start + BigInt(Math.floor(random() * 5_000_000_000));
  if (odd && chance(random, 0.15)) end = pick(random, [0n, start - 5n, start, start + (1n << 53n) + 7n, (1n << 64n) - 1n]);
  return {
    traceId: randomId(random, 16, odd),
    spanId: randomId(random, 8, odd),
    parentSpanId: chance(random, 0.3)
      ? undefined
      : odd && chance(random, 0.1)
        ? randomBytesOf(random, 5)
        : randomId(random, 8, odd),
    traceState: odd && chance(random, 0.3) ? pick(random, STRINGS) : undefined,
    name: odd ? pick(random, STRINGS) : pick(random, STRINGS.slice(0, 3)),
    kind: odd && chance(random, 0.05) ? 7 : Math.floor(random() * 6),
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    attributes: randomAttributes(random, odd),
    droppedAttributesCount: odd && chance(random, 0.2) ? Math.floor(random() * 5) : 0,
    events:
      odd && chance(random, 0.02)
        ? Array.from({ length: 130 }, () => ({ timeUnixNano: start.toString(), name: "e" }))
        : Array.from({ length: chance(random, 0.3) ? Math.floor(random() * 3) : 0 }, () => ({
            timeUnixNano: (start + 10n).toString(),
            name: odd ? pick(random, STRINGS) : "exception",
            attributes: randomAttributes(random, odd),
            droppedAttributesCount: odd && chance(random, 0.2) ? 2 : 0,
          })),
    droppedEventsCount: odd && chance(random, 0.2) ? 3 : 0,
    links: Array.from({ length: chance(random, 0.2) ? Math.floor(random() * 3) : 0 }, () => ({
      traceId: randomId(random, 16, odd),
      spanId: randomId(random, 8, odd),
      traceState: odd ? pick(random, STRINGS) : "",
      attributes: randomAttributes(random, odd),
      flags: odd && chance(random, 0.3) ? 0x101 : 0,
    })),
    droppedLinksCount: odd && chance(random, 0.2) ? 1 : 0,
    status: {
      code: odd && chance(random, 0.05) ? 5 : Math.floor(random() * 3),
      message: odd && chance(random, 0.5) ? pick(random, STRINGS) : "",
    },
    flags: chance(random, 0.5) ? pick(random, [0x101, 1, 0x100, 0xffffffff]) : 0,
  };
}

/** A request; when `odd`, about a quarter of its spans and its names draw from the odd cases. */
function randomRequest(random: () => number, odd: boolean): Uint8Array {
  const resourceSpans = Array.from({ length: 1 + Math.floor(random() * 2) }, () => {
    const serviceName = odd ? pick(random, [...STRINGS, undefined]) : pick(random, ["checkout", "cart"]);
    return {
      resource: {
        attributes: [
          ...(serviceName === undefined ? [] : [{ key: "service.name", value: { stringValue: serviceName } }]),
          ...(odd ? randomAttributes(random, true) : []),
        ],
        droppedAttributesCount: odd && chance(random, 0.2) ? 1 : 0,
      },
      schemaUrl: chance(random, 0.5) ? "https://opentelemetry.io/schemas/1.26.0" : "",
      scopeSpans: Array.from({ length: 1 + Math.floor(random() * 2) }, () => ({
        scope: chance(random, 0.2)
          ? undefined
          : {
              name: odd ? pick(random, STRINGS) : "@opentelemetry/instrumentation-http",
              version: chance(random, 0.5) ? "1.0" : "",
            },
        schemaUrl: odd && chance(random, 0.3) ? "https://example.com/s" : "",
        spans: Array.from({ length: Math.floor(random() * 5) }, () => randomSpan(random, odd && chance(random, 0.25))),
      })),
    };
  });
  const encoded = Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject({ resourceSpans })).finish());
  // Strings cannot carry invalid UTF-8 through protobufjs: patch the marker's bytes instead.
  const mark = Buffer.from(INVALID_UTF8_MARK);
  for (let at = encoded.indexOf(mark); at !== -1; at = encoded.indexOf(mark, at + 1)) {
    encoded[at] = 0xc3;
    encoded[at + 1] = 0x28;
  }
  return encoded;
}

/** A request like the ingest bench's reference shape (what production mostly sends). */
function referenceRequest(random: () => number): Uint8Array {
  const routes = ["/api/cart", "/api/products/{id}", "/health"];
  const resourceSpans = [0, 1].map((service) => ({
    resource: {
      attributes: [
        { key: "service.name", value: { stringValue: `shop-service-${service}` } },
        { key: "service.version", value: { stringValue: "2.1.7" } },
        { key: "telemetry.sdk.language", value: { stringValue: "nodejs" } },
      ],
    },
    scopeSpans: [
      {
        scope: { name: "@opentelemetry/instrumentation-http", version: "0.301.0" },
        spans: Array.from({ length: 50 }, (_, n) => {
          const start = BigInt(NOW_MS - 60_000) * 1_000_000n + BigInt(n) * 1_700_123n;
          const route = routes[n % routes.length];
          return {
            traceId: randomBytesOf(random, 16),
            spanId: randomBytesOf(random, 8),
            parentSpanId: n % 5 === 0 ? undefined : randomBytesOf(random, 8),
            name: `GET ${route}`,
            kind: n % 5 === 0 ? 2 : 3,
            startTimeUnixNano: start.toString(),
            endTimeUnixNano: (start + BigInt(200_000 + n * 7919)).toString(),
            attributes: [
              { key: "http.request.method", value: { stringValue: "GET" } },
              { key: "http.route", value: { stringValue: route } },
              { key: "http.response.status_code", value: { intValue: n % 25 === 0 ? 500 : 200 } },
              { key: "url.path", value: { stringValue: route.replace("{id}", String(1000 + n)) } },
            ],
            events:
              n % 25 === 0
                ? [
                    {
                      timeUnixNano: (start + 100n).toString(),
                      name: "exception",
                      attributes: [{ key: "exception.type", value: { stringValue: "Error" } }],
                    },
                  ]
                : [],
            status: { code: n % 25 === 0 ? 2 : 0 },
            flags: 0x101,
          };
        }),
      },
    ],
  }));
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject({ resourceSpans })).finish();
}

describe("encodeTraceRequest against decode → normalize → encodeSpanCopyRow", () => {
  it("answers for a typical request with exactly the general path's rows and catalogue entries", async () => {
    const random = createRandom(7);
    const payloads = [referenceRequest(random), referenceRequest(random)];
    const dictionary = await dictionaryFor(payloads, [WINDOW]);
    for (const [i, payload] of payloads.entries()) {
      expect(expectSameAsGeneral(payload, WINDOW, dictionary, `reference ${i}`)).toBe(true);
    }
  });

  it("leaves a request with an attribute key the dictionary does not know to the general path", async () => {
    const payload = referenceRequest(createRandom(8));
    const empty = new AttributeKeyDictionary();
    expect(encodeTraceRequest(Buffer.from(payload), WINDOW, empty)).toBeUndefined();
    const dictionary = await dictionaryFor([payload], [WINDOW]);
    expect(encodeTraceRequest(Buffer.from(payload), WINDOW, dictionary)).toBeDefined();
  });

  it("agrees on the fuzz seeds and thousands of their mutations", async () => {
    const seeds = seedPayloads();
    const random = createRandom(0x5eed);
    const payloads = Array.from({ length: 3000 }, (_, i) =>
      i < seeds.length ? seeds[i] : mutate(seeds[i % seeds.length], random),
    );
    // The seeds' spans start at 2025-11-21T04:40:00Z.
    const window = { ...WINDOW, nowMs: 1_763_700_000_000 };
    const dictionary = await dictionaryFor(payloads, [window, NO_WINDOW]);
    let answered = 0;
    for (const [i, payload] of payloads.entries()) {
      for (const options of [NO_WINDOW, window]) {
        if (expectSameAsGeneral(payload, options, dictionary, `mutation ${i}: ${Buffer.from(payload).toString("hex")}`))
          answered++;
      }
    }
    // The seeds hold arrays, kvlists, bytes, big ints, events and links: the fast path takes them.
    for (const seed of seeds) expect(encodeTraceRequest(Buffer.from(seed), NO_WINDOW, dictionary)).toBeDefined();
    expect(answered).toBeGreaterThan(500);
  });

  it("agrees on generated requests full of odd cases, with ids and with literal keys", async () => {
    const random = createRandom(0x0dd);
    const plain = Array.from({ length: 400 }, () => randomRequest(random, false));
    const odd = Array.from({ length: 1200 }, () => randomRequest(random, true));
    const payloads = [...plain, ...odd];
    const dictionary = await dictionaryFor(payloads, [WINDOW, NO_WINDOW]);
    // A dictionary already full: every key is stored as a "~key" literal.
    const full = await dictionaryFor(payloads, [WINDOW], 0);
    let answered = 0;
    let left = 0;
    for (const [i, payload] of payloads.entries()) {
      for (const options of [WINDOW, NO_WINDOW]) {
        for (const keys of [dictionary, full]) {
          if (expectSameAsGeneral(payload, options, keys, `generated ${i}: ${Buffer.from(payload).toString("hex")}`)) answered++;
          else left++;
        }
      }
    }
    // Both outcomes must be common, or the generator does not test what it should.
    expect(answered).toBeGreaterThan(payloads.length);
    expect(left).toBeGreaterThan(payloads.length / 2);
  });
});

describe("writing encoded requests", () => {
  it("prepares the same batch as normalized spans, mixed in any order, and finds duplicates in encoded rows", async () => {
    const random = createRandom(9);
    const payloads = [referenceRequest(random), referenceRequest(random), referenceRequest(random)];
    const cache = new CatalogCache();
    const keys = new Set<string>();
    const general = payloads.map((payload) => decodeTraceRequest(payload, "protobuf", WINDOW));
    for (const batch of general) spanAttributeKeys(batch, keys);
    await cache.attributeKeys.resolve(db().pool, keys);
    const encoded = payloads.map((payload) => encodeTraceRequest(Buffer.from(payload), WINDOW, cache.attributeKeys)!);

    const mixed = prepareSpanBatchParts([encoded[0], general[1], encoded[2]], cache);
    const reference = prepareSpanBatch(
      {
        resources: general.flatMap((batch) => batch.resources),
        scopes: general.flatMap((batch) => batch.scopes),
        spans: general.flatMap((batch) => batch.spans),
      },
      cache,
    );
    expect(Buffer.concat(mixed.copyChunks!).equals(Buffer.concat(reference.copyChunks!))).toBe(true);
    expect(mixed.startMicros).toEqual(reference.startMicros);
    expect(mixed.allNewCatalogues).toEqual(reference.allNewCatalogues);
    expect(mixed.resources).toEqual(reference.resources);
    expect(mixed.scopes).toEqual(reference.scopes);

    const client = await db().pool.connect();
    try {
      const first = await writeSpanBatch(client, prepareSpanBatchParts([encoded[1]], cache), { cache });
      expect(first).toEqual({ inserted: 100, duplicates: 0, duplicateIndexes: [] });
      // Request 1 again, between two new ones: the slow path reads the span keys from the rows.
      const again = await writeSpanBatch(client, prepareSpanBatchParts([encoded[0], encoded[1], encoded[2]], cache), { cache });
      expect(again.inserted).toBe(200);
      expect(again.duplicateIndexes).toEqual(Array.from({ length: 100 }, (_, i) => 100 + i));
    } finally {
      client.release();
    }
    expect(await countSpans(db().pool)).toBe(300);
  });

  it("refuses an encoded request meant for another database's dictionary", () => {
    const payload = referenceRequest(createRandom(10));
    const other = new AttributeKeyDictionary();
    const encoded: EncodedSpanBatch | undefined = encodeTraceRequest(Buffer.from(payload), WINDOW, other);
    // Unknown keys: nothing to encode with an empty dictionary, so build one with a request without attributes.
    expect(encoded).toBeUndefined();
    const bare = ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: Buffer.alloc(16, 1),
                    spanId: Buffer.alloc(8, 2),
                    name: "x",
                    startTimeUnixNano: (BigInt(NOW_MS) * 1_000_000n).toString(),
                  },
                ],
              },
            ],
          },
        ],
      }),
    ).finish();
    const foreign = encodeTraceRequest(Buffer.from(bare), WINDOW, other)!;
    expect(foreign.spanCount).toBe(1);
    expect(() => prepareSpanBatchParts([foreign], new CatalogCache())).toThrow(/dictionary/);
  });
});
