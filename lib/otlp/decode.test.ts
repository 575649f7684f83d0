import { describe, expect, it } from "vitest";
import { decodeTraceRequest, decodeTraceRequestWithProtobufjs, OtlpDecodeError, type NormalizeOptions } from "./decode";
import type { SpanBatch } from "./model";
import { ExportTraceServiceRequest } from "./protobuf";

const OPTIONS: NormalizeOptions = { maxAttributeValueLength: 1024 };
const TRACE_ID = "5b8efff798038103d269b633813fc60c";
const SPAN_ID = "eee19b7ec3c1b174";
const PARENT_ID = "eee19b7ec3c1b173";
const START = "1763700000000000000";
const END = "1763700000250000000";

type JsonObject = Record<string, unknown>;

function jsonBody(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

function hexBytes(hex: string): Buffer {
  return Buffer.from(hex, "hex");
}

/** One resource, one scope, the given spans (OTLP/JSON shape). */
function jsonRequest(spans: JsonObject[], resourceAttributes: JsonObject[] = [serviceName("cart")]): JsonObject {
  return {
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes },
        scopeSpans: [{ scope: { name: "test-scope", version: "1.0.0" }, spans }],
      },
    ],
  };
}

function serviceName(name: unknown): JsonObject {
  return { key: "service.name", value: { stringValue: name } };
}

function jsonSpan(overrides: JsonObject = {}): JsonObject {
  return {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    name: "GET /",
    kind: 2,
    startTimeUnixNano: START,
    endTimeUnixNano: END,
    ...overrides,
  };
}

/** The same request in protobuf, built with the generated code (ids as bytes, times as strings → Long). */
function protobufRequest(spans: JsonObject[], resourceAttributes: JsonObject[] = [serviceName("cart")]): Uint8Array {
  const message = ExportTraceServiceRequest.fromObject({
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes },
        scopeSpans: [{ scope: { name: "test-scope", version: "1.0.0" }, spans }],
      },
    ],
  });
  return ExportTraceServiceRequest.encode(message).finish();
}

function protobufSpan(overrides: JsonObject = {}): JsonObject {
  return {
    traceId: hexBytes(TRACE_ID),
    spanId: hexBytes(SPAN_ID),
    name: "GET /",
    kind: 2,
    startTimeUnixNano: START,
    endTimeUnixNano: END,
    ...overrides,
  };
}

function decodeJson(value: unknown, options: NormalizeOptions = OPTIONS): SpanBatch {
  return decodeTraceRequest(jsonBody(value), "json", options);
}

function expectDecodeError(run: () => unknown, message?: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(OtlpDecodeError);
  if (message) expect((caught as Error).message).toMatch(message);
}

describe("OTLP/JSON decoding", () => {
  it("accepts int64 as decimal strings and as numbers", () => {
    const batch = decodeJson(
      jsonRequest([
        jsonSpan({
          startTimeUnixNano: 1763700000000000000,
          endTimeUnixNano: "1763700000000000500",
          attributes: [
            { key: "as.string", value: { intValue: "42" } },
            { key: "as.number", value: { intValue: 43 } },
            { key: "negative", value: { intValue: "-5" } },
            { key: "beyond.2^53", value: { intValue: "9007199254740993" } },
            { key: "int64.min", value: { intValue: "-9223372036854775808" } },
          ],
        }),
      ]),
    );
    const [span] = batch.spans;
    expect(span.startTimeUnixNano).toBe(1763700000000000000n);
    expect(span.durationNs).toBe(500n);
    expect(span.attributes).toEqual({
      "as.string": 42,
      "as.number": 43,
      negative: -5,
      "beyond.2^53": "9007199254740993",
      "int64.min": "-9223372036854775808",
    });
  });

  it("keeps 19-digit int64 numbers exact (JSON.parse alone would round them to a double)", () => {
    // JSON.stringify cannot write these numbers exactly, so they go in as text.
    const body = JSON.stringify(
      jsonRequest([
        jsonSpan({
          startTimeUnixNano: "@1763700000123456999",
          endTimeUnixNano: "@1763700000123457001",
          events: [{ timeUnixNano: "@1763700000123456998", name: "e" }],
          attributes: [
            { key: "beyond.2^53", value: { intValue: "@9007199254740993" } },
            { key: "int64.max", value: { intValue: "@9223372036854775807" } },
            { key: "int64.min", value: { intValue: "@-9223372036854775808" } },
            { key: "safe", value: { intValue: "@9007199254740991" } },
            // Not an int64 field: a double stays a (rounded) number.
            { key: "double", value: { doubleValue: "@12345678901234567890" } },
          ],
        }),
      ]),
    ).replace(/"@(-?\d+)"/g, "$1");
    expect(body).toContain('"startTimeUnixNano":1763700000123456999');
    const [span] = decodeTraceRequest(new TextEncoder().encode(body), "json", OPTIONS).spans;
    expect(span.startTimeUnixNano).toBe(1763700000123456999n);
    expect(span.durationNs).toBe(2n);
    expect(span.events?.[0].timeUnixNano).toBe("1763700000123456998");
    expect(span.attributes).toEqual({
      "beyond.2^53": "9007199254740993",
      "int64.max": "9223372036854775807",
      "int64.min": "-9223372036854775808",
      safe: 9007199254740991,
      double: 12345678901234567890,
    });
  });

  it("keeps int64 numbers exact also when the first span's start time is a string", () => {
    const body = JSON.stringify(
      jsonRequest([
        jsonSpan({ attributes: [{ key: "big", value: { intValue: "@-9007199254740993" } }] }),
        jsonSpan({
          spanId: "eee19b7ec3c1b175",
          startTimeUnixNano: "@1763700000123456999",
          endTimeUnixNano: "@1763700000123457002",
        }),
      ]),
    ).replace(/"@(-?\d+)"/g, "$1");
    const [first, second] = decodeTraceRequest(new TextEncoder().encode(body), "json", OPTIONS).spans;
    expect(first.startTimeUnixNano).toBe(BigInt(START));
    expect(first.attributes).toEqual({ big: "-9007199254740993" });
    expect(second.startTimeUnixNano).toBe(1763700000123456999n);
    expect(second.durationNs).toBe(3n);
  });

  it("keeps a 2 ns duration between 19-digit number timestamps, and accepts the uint64 maximum as a number", () => {
    const body = (start: string, end: string) =>
      new TextEncoder().encode(
        JSON.stringify(jsonRequest([jsonSpan({ startTimeUnixNano: "@s", endTimeUnixNano: "@e" })]))
          .replace('"@s"', start)
          .replace('"@e"', end),
      );
    const [span] = decodeTraceRequest(body("1763700000000000001", "1763700000000000003"), "json", OPTIONS).spans;
    expect(span.startTimeUnixNano).toBe(1763700000000000001n);
    expect(span.durationNs).toBe(2n);
    // 2^64 - 1 rounds to 2^64 as a double, which is out of range: exact digits make it valid.
    const [max] = decodeTraceRequest(body("18446744073709551615", "18446744073709551615"), "json", OPTIONS).spans;
    expect(max.startTimeUnixNano).toBe(18446744073709551615n);
    expectDecodeError(() => decodeTraceRequest(body("18446744073709551616", "0"), "json", OPTIONS), /startTimeUnixNano/);
  });

  it("ignores unknown fields at every level", () => {
    const batch = decodeJson({
      extra: 1,
      resourceSpans: [
        {
          extra: { nested: true },
          resource: { attributes: [{ key: "service.name", value: { stringValue: "cart", extra: 1 }, extra: 2 }], extra: [] },
          scopeSpans: [
            {
              extra: "x",
              scope: { name: "s", extra: 3 },
              spans: [
                jsonSpan({
                  extra: "y",
                  status: { code: 2, message: "boom", extra: 4 },
                  events: [{ timeUnixNano: START, name: "e", extra: 5 }],
                  links: [{ traceId: TRACE_ID, spanId: PARENT_ID, extra: 6 }],
                }),
              ],
            },
          ],
        },
      ],
    });
    expect(batch.spans).toHaveLength(1);
    expect(batch.spans[0]).toMatchObject({
      serviceName: "cart",
      statusCode: 2,
      statusMessage: "boom",
      events: [{ timeUnixNano: START, name: "e" }],
      links: [{ traceId: TRACE_ID, spanId: PARENT_ID }],
    });
  });

  it("lowercases upper-case hex ids", () => {
    const batch = decodeJson(
      jsonRequest([
        jsonSpan({ traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID.toUpperCase(), parentSpanId: "EEE19B7EC3C1B173" }),
      ]),
    );
    expect(batch.spans[0]).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: PARENT_ID });
  });

  it("accepts null as 'not set' and NaN/Infinity doubles as strings", () => {
    const batch = decodeJson(
      jsonRequest([
        jsonSpan({
          parentSpanId: null,
          status: null,
          attributes: [
            { key: "nan", value: { doubleValue: "NaN" } },
            { key: "inf", value: { doubleValue: "-Infinity" } },
            { key: "num", value: { doubleValue: "2.5" } },
            { key: "empty", value: {} },
            { key: "none", value: null },
            { key: "bytes", value: { bytesValue: "3q2-7w" } },
          ],
        }),
      ]),
    );
    expect(batch.spans[0].parentSpanId).toBeUndefined();
    expect(batch.spans[0].attributes).toEqual({
      nan: "NaN",
      inf: "-Infinity",
      num: 2.5,
      empty: null,
      none: null,
      bytes: "3q2+7w==",
    });
  });

  const badBodies: [string, unknown, RegExp][] = [
    [
      "kind as an enum name",
      jsonRequest([jsonSpan({ kind: "SPAN_KIND_SERVER" })]),
      /spans\[0\]\.kind: expected an integer enum value/,
    ],
    ["status code as an enum name", jsonRequest([jsonSpan({ status: { code: "STATUS_CODE_ERROR" } })]), /status\.code/],
    [
      "base64 trace id",
      jsonRequest([jsonSpan({ traceId: hexBytes(TRACE_ID).toString("base64") })]),
      /spans\[0\]\.traceId: expected a hex string/,
    ],
    ["name as a number", jsonRequest([jsonSpan({ name: 5 })]), /spans\[0\]\.name: .*expected string/],
    ["start time with a fraction", jsonRequest([jsonSpan({ startTimeUnixNano: 1.5 })]), /startTimeUnixNano/],
    ["negative start time", jsonRequest([jsonSpan({ startTimeUnixNano: "-1" })]), /startTimeUnixNano/],
    [
      "intValue beyond int64",
      jsonRequest([jsonSpan({ attributes: [{ key: "k", value: { intValue: "9223372036854775808" } }] })]),
      /intValue/,
    ],
    [
      "two oneof values",
      jsonRequest([jsonSpan({ attributes: [{ key: "k", value: { stringValue: "a", intValue: 1 } }] })]),
      /attribute "k" sets both stringValue and intValue/,
    ],
    [
      "spans not an array",
      { resourceSpans: [{ scopeSpans: [{ spans: {} }] }] },
      /resourceSpans\[0\]\.scopeSpans\[0\]\.spans: .*expected array/,
    ],
    ["a top-level array", [], /\(root\)/],
    [
      "bytes that are not base64",
      jsonRequest([jsonSpan({ attributes: [{ key: "k", value: { bytesValue: "***" } }] })]),
      /bytesValue: expected base64/,
    ],
  ];
  for (const [what, body, message] of badBodies) {
    it(`rejects ${what} with OtlpDecodeError`, () => {
      expectDecodeError(() => decodeJson(body), message);
    });
  }

  it("rejects malformed JSON and non-UTF-8 bodies", () => {
    expectDecodeError(
      () => decodeTraceRequest(new TextEncoder().encode('{"resourceSpans": ['), "json", OPTIONS),
      /invalid OTLP\/JSON/,
    );
    expectDecodeError(() => decodeTraceRequest(new Uint8Array([0x7b, 0xff, 0x7d]), "json", OPTIONS), /UTF-8/);
    expectDecodeError(() => decodeTraceRequest(new TextEncoder().encode(" x "), "json", OPTIONS), /invalid OTLP\/JSON/);
  });

  it("decodes an empty body (zero bytes, only whitespace or a BOM, {}) as an empty request", () => {
    const empty = { resources: [], scopes: [], spans: [], rejectedSpans: 0, rejectionReasons: [] };
    for (const text of ["", " \r\n\t", "\ufeff", "{}", '{"resourceSpans":[]}', '{"resourceSpans":null}']) {
      expect(decodeTraceRequest(new TextEncoder().encode(text), "json", OPTIONS)).toEqual(empty);
    }
  });

  it("turns absurd nesting into OtlpDecodeError, not a stack overflow", () => {
    const depth = 20_000;
    const value = '{"arrayValue":{"values":['.repeat(depth) + "]}}".repeat(depth);
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE_ID}","spanId":"${SPAN_ID}","attributes":[{"key":"k","value":${value}}]}]}]}]}`;
    let outcome: unknown;
    try {
      outcome = decodeTraceRequest(new TextEncoder().encode(body), "json", OPTIONS);
    } catch (error) {
      outcome = error;
    }
    // Either it decodes (value capped at depth 8) or it is refused as a decode error.
    if (outcome instanceof Error) expect(outcome).toBeInstanceOf(OtlpDecodeError);
    else expect((outcome as SpanBatch).spans).toHaveLength(1);
  });
});

describe("protobuf decoding", () => {
  it("rejects truncated and garbage bodies with OtlpDecodeError", () => {
    const valid = protobufRequest([protobufSpan()]);
    expect(decodeTraceRequest(valid, "protobuf", OPTIONS).spans).toHaveLength(1);
    const bad = [
      valid.subarray(0, valid.length - 3),
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      new TextEncoder().encode('{"resourceSpans":[]}'),
    ];
    for (const body of bad) {
      expectDecodeError(() => decodeTraceRequest(body, "protobuf", OPTIONS), /invalid protobuf/);
      expectDecodeError(() => decodeTraceRequestWithProtobufjs(body, OPTIONS), /invalid protobuf/);
    }
  });

  it("decodes an empty body as an empty request", () => {
    expect(decodeTraceRequest(new Uint8Array(), "protobuf", OPTIONS)).toEqual({
      resources: [],
      scopes: [],
      spans: [],
      rejectedSpans: 0,
      rejectionReasons: [],
    });
  });

  it("maps every AnyValue type", () => {
    const body = protobufRequest([
      protobufSpan({
        attributes: [
          { key: "s", value: { stringValue: "text" } },
          { key: "b", value: { boolValue: true } },
          { key: "i", value: { intValue: "-12" } },
          { key: "big", value: { intValue: "-9007199254740993" } },
          { key: "d", value: { doubleValue: 0.5 } },
          { key: "nan", value: { doubleValue: Number.NaN } },
          { key: "inf", value: { doubleValue: Number.POSITIVE_INFINITY } },
          { key: "bytes", value: { bytesValue: Buffer.from([0xde, 0xad, 0xbe, 0xef]) } },
          { key: "arr", value: { arrayValue: { values: [{ stringValue: "a" }, { intValue: 1 }, {}] } } },
          { key: "kv", value: { kvlistValue: { values: [{ key: "x", value: { boolValue: false } }] } } },
          { key: "empty", value: {} },
          { key: "missing" },
        ],
      }),
    ]);
    expect(decodeTraceRequestWithProtobufjs(body, OPTIONS)).toStrictEqual(decodeTraceRequest(body, "protobuf", OPTIONS));
    expect(decodeTraceRequest(body, "protobuf", OPTIONS).spans[0].attributes).toStrictEqual({
      s: "text",
      b: true,
      i: -12,
      big: "-9007199254740993",
      d: 0.5,
      nan: "NaN",
      inf: "Infinity",
      bytes: "3q2+7w==",
      arr: ["a", 1, null],
      kv: { x: false },
      empty: null,
      missing: null,
    });
  });
});

describe("normalization (both formats)", () => {
  const formats = [
    {
      format: "json" as const,
      span: jsonSpan,
      build: (spans: JsonObject[], attrs?: JsonObject[]) => jsonBody(jsonRequest(spans, attrs)),
    },
    { format: "protobuf" as const, span: protobufSpan, build: protobufRequest },
  ];

  for (const { format, span, build } of formats) {
    const decode = (spans: JsonObject[], attrs?: JsonObject[], options: NormalizeOptions = OPTIONS) => {
      const body = build(spans, attrs);
      const batch = decodeTraceRequest(body, format, options);
      // The specialized protobuf decoder must agree with the protobufjs reference path.
      if (format === "protobuf") expect(batch).toStrictEqual(decodeTraceRequestWithProtobufjs(body, options));
      return batch;
    };
    const zeroTrace = format === "json" ? "0".repeat(32) : Buffer.alloc(16);
    const id = (hex: string) => (format === "json" ? hex : hexBytes(hex));

    describe(format, () => {
      it("rejects spans with an all-zero trace id and keeps the others", () => {
        const batch = decode([
          span({ spanId: id("0000000000000001") }),
          span({ traceId: zeroTrace }),
          span({ spanId: id("0000000000000003") }),
        ]);
        expect(batch.spans.map((s) => s.spanId)).toEqual(["0000000000000001", "0000000000000003"]);
        expect(batch.rejectedSpans).toBe(1);
        expect(batch.rejectionReasons).toEqual(["span 1 of scope 0 of resource 0: invalid trace_id (all zero)"]);
      });

      it("rejects bad span ids, bad parent lengths, bad kinds and bad status codes", () => {
        const batch = decode([
          span({ spanId: id("00") }),
          span({ spanId: undefined }),
          span({ parentSpanId: id("0102") }),
          span({ kind: 6 }),
          span({ kind: -1 }),
          span({ status: { code: 3 } }),
        ]);
        expect(batch.spans).toEqual([]);
        expect(batch.rejectedSpans).toBe(6);
        expect(batch.rejectionReasons).toEqual([
          "span 0 of scope 0 of resource 0: invalid span_id (1 bytes, expected 8)",
          "span 1 of scope 0 of resource 0: invalid span_id (empty)",
          "span 2 of scope 0 of resource 0: invalid parent_span_id (2 bytes, expected 8)",
          "span 3 of scope 0 of resource 0: invalid kind 6",
          "span 4 of scope 0 of resource 0: invalid kind -1",
          "span 5 of scope 0 of resource 0: invalid status code 3",
        ]);
        expect(batch.resources).toEqual([]);
      });

      it("caps span and service names at 1024 UTF-8 bytes, never splitting a character", () => {
        const utf8 = (text: string) => Buffer.byteLength(text);
        const batch = decode(
          [
            span({ name: "a".repeat(100_000) }),
            span({ spanId: id("eee19b7ec3c1b175"), name: "中".repeat(1000) }),
            span({ spanId: id("eee19b7ec3c1b176"), name: `a${"😀".repeat(600)}` }),
            span({ spanId: id("eee19b7ec3c1b177"), name: `${"\u0000".repeat(10)}${"b".repeat(1030)}` }),
          ],
          [serviceName("s".repeat(10_000))],
        );
        const names = batch.spans.map((item) => item.name);
        expect(names[0]).toBe("a".repeat(1024));
        expect(names[1]).toBe("中".repeat(341)); // 1023 bytes: a 342nd would need 1026
        expect(names[2]).toBe(`a${"😀".repeat(255)}`); // 1021 bytes, no lone surrogate
        expect(names[2].isWellFormed()).toBe(true);
        expect(names[3]).toBe("b".repeat(1024)); // NUL bytes go before the cap
        for (const name of names) expect(utf8(name)).toBeLessThanOrEqual(1024);
        expect(batch.spans[0].serviceName).toBe("s".repeat(1024));
        expect(batch.resources[0].serviceName).toBe("s".repeat(1024));
        // The attribute keeps its own (attribute value) cap.
        expect(batch.resources[0].attributes["service.name"]).toBe("s".repeat(1024));
      });

      it("treats an all-zero parent span id as a root span", () => {
        const batch = decode([span({ parentSpanId: id("0000000000000000") })]);
        expect(batch.spans[0].parentSpanId).toBeUndefined();
      });

      it("strips NUL bytes from every string", () => {
        const batch = decode(
          [
            span({
              name: "GET\u0000 /",
              traceState: "a=\u00001",
              attributes: [{ key: "k\u0000ey", value: { stringValue: "va\u0000lue" } }],
              status: { code: 2, message: "bo\u0000om" },
              events: [{ name: "e\u0000v", timeUnixNano: START }],
            }),
          ],
          [serviceName("ca\u0000rt")],
        );
        expect(batch.spans[0]).toMatchObject({
          name: "GET /",
          traceState: "a=1",
          attributes: { key: "value" },
          statusMessage: "boom",
          events: [{ name: "ev" }],
          serviceName: "cart",
        });
      });

      it("caps a 1 MiB attribute value at maxAttributeValueLength", () => {
        const huge = "x".repeat(1024 * 1024);
        const batch = decode([
          span({
            attributes: [
              { key: "big", value: { stringValue: huge } },
              { key: "small", value: { stringValue: "ok" } },
            ],
          }),
        ]);
        expect(batch.spans[0].attributes).toEqual({ big: "x".repeat(OPTIONS.maxAttributeValueLength), small: "ok" });
      });

      it("repairs an end before the start to duration 0, and so an end of 0", () => {
        const batch = decode([
          span({ endTimeUnixNano: "1763699999999999999" }),
          span({ spanId: id("0000000000000002"), endTimeUnixNano: undefined }),
        ]);
        expect(batch.spans.map((s) => s.durationNs)).toEqual([0n, 0n]);
        expect(batch.spans[0].startTimeUnixNano).toBe(BigInt(START));
      });

      it("names a resource without service.name unknown_service", () => {
        expect(decode([span()], []).resources[0].serviceName).toBe("unknown_service");
        expect(decode([span()], [serviceName("")]).resources[0].serviceName).toBe("unknown_service");
        expect(decode([span()], [{ key: "service.name", value: { intValue: 7 } }]).spans[0].serviceName).toBe("unknown_service");
      });

      it("names an unnamed span <unnamed>", () => {
        expect(decode([span({ name: "" })]).spans[0].name).toBe("<unnamed>");
      });

      it("keeps at most 128 attributes, events and links, counting the rest as dropped", () => {
        const attributes = Array.from({ length: 130 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } }));
        const events = Array.from({ length: 131 }, (_, i) => ({ name: `e${i}`, timeUnixNano: START }));
        const links = Array.from({ length: 129 }, () => ({ traceId: id(TRACE_ID), spanId: id(PARENT_ID) }));
        const batch = decode([span({ attributes, droppedAttributesCount: 1, events, links })]);
        const [result] = batch.spans;
        expect(Object.keys(result.attributes ?? {})).toHaveLength(128);
        expect(result.droppedAttributesCount).toBe(3);
        expect(result.events).toHaveLength(128);
        expect(result.droppedEventsCount).toBe(3);
        expect(result.links).toHaveLength(128);
        expect(result.droppedLinksCount).toBe(1);
      });

      it("drops links with invalid ids", () => {
        const batch = decode([
          span({
            links: [
              { traceId: zeroTrace, spanId: id(PARENT_ID) },
              { traceId: id(TRACE_ID), spanId: id("01") },
              { traceId: id(TRACE_ID), spanId: id(PARENT_ID), traceState: "k=v", flags: 0x301 },
            ],
            droppedLinksCount: 2,
          }),
        ]);
        expect(batch.spans[0].links).toEqual([
          {
            traceId: TRACE_ID,
            spanId: PARENT_ID,
            traceState: "k=v",
            attributes: undefined,
            droppedAttributesCount: undefined,
            flags: 1,
          },
        ]);
        expect(batch.spans[0].droppedLinksCount).toBe(4);
      });

      it("lets the last duplicate key win", () => {
        const batch = decode([
          span({
            attributes: [
              { key: "a", value: { intValue: 1 } },
              { key: "b", value: { intValue: 2 } },
              { key: "a", value: { intValue: 3 } },
            ],
          }),
        ]);
        expect(batch.spans[0].attributes).toEqual({ a: 3, b: 2 });
      });

      it("caps array/kvlist nesting at 8 levels", () => {
        let value: JsonObject = { stringValue: "leaf" };
        for (let i = 0; i < 10; i++) value = { arrayValue: { values: [value] } };
        const batch = decode([span({ attributes: [{ key: "deep", value }] })]);
        let level: unknown = batch.spans[0].attributes?.deep;
        for (let i = 0; i < 8; i++) {
          expect(Array.isArray(level)).toBe(true);
          level = (level as unknown[])[0];
        }
        expect(level).toBeNull();
      });

      it("stores a __proto__ key as data", () => {
        const batch = decode([span({ attributes: [{ key: "__proto__", value: { stringValue: "x" } }] })]);
        const attributes = batch.spans[0].attributes ?? {};
        expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
        expect(Object.keys(attributes)).toEqual(["__proto__"]);
        expect(Object.getOwnPropertyDescriptor(attributes, "__proto__")?.value).toBe("x");
      });

      it("rejects spans outside the accepted start-time window", () => {
        const nowMs = Number(BigInt(START) / 1_000_000n);
        const options = { ...OPTIONS, nowMs, maxAgeMs: 60_000, maxFutureMs: 1_000 };
        const batch = decode(
          [
            span(),
            span({ spanId: id("0000000000000002"), startTimeUnixNano: String(BigInt(START) - 61_000_000_000n) }),
            span({ spanId: id("0000000000000003"), startTimeUnixNano: String(BigInt(START) + 2_000_000_000n) }),
          ],
          undefined,
          options,
        );
        expect(batch.spans.map((s) => s.spanId)).toEqual([SPAN_ID]);
        expect(batch.rejectedSpans).toBe(2);
        expect(batch.rejectionReasons[0]).toMatch(/span 1 .* older than the accepted age/);
        expect(batch.rejectionReasons[1]).toMatch(/span 2 .* too far in the future/);
      });

      it("gives resources and scopes stable ids independent of attribute order", () => {
        const a = decode([span()], [serviceName("cart"), { key: "host.name", value: { stringValue: "h1" } }]);
        const b = decode([span()], [{ key: "host.name", value: { stringValue: "h1" } }, serviceName("cart")]);
        const c = decode([span()], [serviceName("cart"), { key: "host.name", value: { stringValue: "h2" } }]);
        expect(a.resources[0].id).toBe(b.resources[0].id);
        expect(a.resources[0].id).not.toBe(c.resources[0].id);
        expect(a.scopes[0].id).toBe(c.scopes[0].id);
        expect(a.spans[0].scopeId).toBe(a.scopes[0].id);
      });
    });
  }

  it("caps scope names and versions at 1024 UTF-8 bytes in both formats", () => {
    const scope = { name: "n".repeat(5000), version: "é".repeat(600) };
    const request = (ids: (hex: string) => unknown) => ({
      resourceSpans: [
        {
          resource: { attributes: [serviceName("cart")] },
          scopeSpans: [{ scope, spans: [{ ...jsonSpan(), traceId: ids(TRACE_ID), spanId: ids(SPAN_ID) }] }],
        },
      ],
    });
    const fromJson = decodeJson(request((hex) => hex));
    const protobuf = ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request(hexBytes))).finish();
    const fromProtobuf = decodeTraceRequest(protobuf, "protobuf", OPTIONS);
    expect(fromProtobuf).toStrictEqual(decodeTraceRequestWithProtobufjs(protobuf, OPTIONS));
    for (const batch of [fromJson, fromProtobuf]) {
      expect(batch.scopes).toHaveLength(1);
      expect(batch.scopes[0].name).toBe("n".repeat(1024));
      expect(batch.scopes[0].version).toBe("é".repeat(512));
    }
  });

  it("replaces lone surrogates (JSON can carry them)", () => {
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE_ID}","spanId":"${SPAN_ID}","name":"a\\ud800b","attributes":[{"key":"k\\udc00","value":{"stringValue":"x\\ud83d"}}]}]}]}]}`;
    const batch = decodeTraceRequest(new TextEncoder().encode(body), "json", OPTIONS);
    expect(batch.spans[0].name).toBe("a\ufffdb");
    expect(batch.spans[0].attributes).toEqual({ "k\ufffd": "x\ufffd" });
  });

  it("never splits a surrogate pair when capping a value", () => {
    const value = `${"a".repeat(63)}😀tail`;
    const batch = decodeJson(jsonRequest([jsonSpan({ attributes: [{ key: "k", value: { stringValue: value } }] })]), {
      maxAttributeValueLength: 64,
    });
    expect(batch.spans[0].attributes).toEqual({ k: "a".repeat(63) });
  });

  it("deduplicates resources and scopes within a request", () => {
    const resourceSpans = (spanId: string) => ({
      resource: { attributes: [serviceName("cart")] },
      scopeSpans: [{ scope: { name: "s" }, spans: [jsonSpan({ spanId })] }],
    });
    const batch = decodeJson({ resourceSpans: [resourceSpans("0000000000000001"), resourceSpans("0000000000000002")] });
    expect(batch.spans).toHaveLength(2);
    expect(batch.resources).toHaveLength(1);
    expect(batch.scopes).toHaveLength(1);
  });
});
