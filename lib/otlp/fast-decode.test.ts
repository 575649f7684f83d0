import $protobuf from "protobufjs/minimal.js";
import { describe, expect, it } from "vitest";
import { decodeTraceRequest, decodeTraceRequestWithProtobufjs, OtlpDecodeError } from "./decode";
import type { SpanBatch } from "./model";
import { createRandom } from "./test-payloads";

// Wire-level corner cases where a hand-written decoder most easily drifts from protobufjs:
// merges of repeated singular messages, oneof repeats, wrong wire types, groups, field 0,
// recursion depth, strict UTF-8, long varints. Each payload must give the same outcome from
// the specialized decoder and from the protobufjs reference path.

const OPTIONS = { maxAttributeValueLength: 64 };
const TRACE_ID = Buffer.from("5b8efff798038103d269b633813fc60c", "hex");
const SPAN_ID = Buffer.from("eee19b7ec3c1b174", "hex");

type Writer = $protobuf.Writer;
type Build = (writer: Writer) => void;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const FIXED32 = 5;

function tag(writer: Writer, field: number, wireType: number): Writer {
  return writer.uint32(((field << 3) | wireType) >>> 0);
}

function message(writer: Writer, field: number, build: Build): void {
  tag(writer, field, LENGTH).fork();
  build(writer);
  writer.ldelim();
}

function encode(build: Build): Uint8Array {
  const writer = $protobuf.Writer.create();
  build(writer);
  return writer.finish();
}

/** request → one ResourceSpans → one ScopeSpans → the given span bodies. */
function request(spans: Build[], resource?: Build): Uint8Array {
  return encode((w) =>
    message(w, 1, (rs) => {
      if (resource) resource(rs);
      message(rs, 2, (ss) => {
        for (const span of spans) message(ss, 2, span);
      });
    }),
  );
}

/** A valid span's required fields, then `extra`. */
function span(extra: Build = () => {}): Build {
  return (w) => {
    tag(w, 1, LENGTH).bytes(TRACE_ID);
    tag(w, 2, LENGTH).bytes(SPAN_ID);
    tag(w, 5, LENGTH).string("op");
    tag(w, 7, FIXED64).fixed64(1_763_700_000_000_000_000n.toString() as never);
    extra(w);
  };
}

function attribute(w: Writer, key: string, value: Build, field = 9): void {
  message(w, field, (kv) => {
    tag(kv, 1, LENGTH).string(key);
    message(kv, 2, value);
  });
}

/** request → ResourceSpans → ScopeSpans → a span of exactly these bytes (short payloads only). */
function wrapSpan(spanBytes: number[]): Uint8Array {
  const wrap = (field: number, bytes: number[]) => [(field << 3) | LENGTH, bytes.length, ...bytes];
  return Uint8Array.from(wrap(1, wrap(2, wrap(2, spanBytes))));
}

function outcome(decode: () => SpanBatch): SpanBatch | "decode error" {
  try {
    return decode();
  } catch (error) {
    if (error instanceof OtlpDecodeError) return "decode error";
    throw error;
  }
}

/** Decodes with both paths, asserts they agree, returns the common outcome. */
function decodeBoth(body: Uint8Array): SpanBatch | "decode error" {
  const fast = outcome(() => decodeTraceRequest(body, "protobuf", OPTIONS));
  const reference = outcome(() => decodeTraceRequestWithProtobufjs(body, OPTIONS));
  expect(fast).toStrictEqual(reference);
  return fast;
}

function decodedSpan(body: Uint8Array) {
  const result = decodeBoth(body);
  if (result === "decode error") throw new Error("expected a batch");
  expect(result.spans).toHaveLength(1);
  return result.spans[0];
}

/** An AnyValue nested `levels` arrays deep around a string. */
function nested(levels: number, leaf: Build = (v) => tag(v, 1, LENGTH).string("leaf")): Build {
  if (levels === 0) return leaf;
  return (v) => message(v, 5, (array) => message(array, 1, nested(levels - 1, leaf)));
}

describe("specialized protobuf decoder vs protobufjs", () => {
  it("merges a repeated status, last scalar wins", () => {
    const body = request([
      span((w) => {
        message(w, 15, (s) => {
          tag(s, 2, LENGTH).string("first");
          tag(s, 3, VARINT).int32(2);
        });
        message(w, 15, (s) => tag(s, 2, LENGTH).string("second"));
      }),
    ]);
    expect(decodedSpan(body)).toMatchObject({ statusCode: 2, statusMessage: "second" });
  });

  it("merges a repeated resource: attributes append", () => {
    const body = request([span()], (rs) => {
      message(rs, 1, (r) => attribute(r, "service.name", (v) => tag(v, 1, LENGTH).string("cart"), 1));
      message(rs, 1, (r) => attribute(r, "host.name", (v) => tag(v, 1, LENGTH).string("h1"), 1));
    });
    const result = decodeBoth(body);
    expect(result !== "decode error" && result.resources[0].attributes).toEqual({ "service.name": "cart", "host.name": "h1" });
  });

  it("takes the AnyValue member set last: switching clears the others, back-to-back arrays merge", () => {
    const body = request([
      span((w) => {
        attribute(w, "int-wins", (v) => {
          tag(v, 1, LENGTH).string("text");
          tag(v, 3, VARINT).int64(7);
        });
        attribute(w, "array-merged", (v) => {
          message(v, 5, (a) => message(a, 1, (x) => tag(x, 1, LENGTH).string("a")));
          tag(v, 1, LENGTH).string("in between");
          message(v, 5, (a) => message(a, 1, (x) => tag(x, 1, LENGTH).string("b")));
        });
        attribute(w, "arrays-merged", (v) => {
          message(v, 5, (a) => message(a, 1, (x) => tag(x, 1, LENGTH).string("a")));
          message(v, 5, (a) => message(a, 1, (x) => tag(x, 1, LENGTH).string("b")));
        });
        attribute(w, "kvlists-merged", (v) => {
          message(v, 6, (l) =>
            message(l, 1, (kv) => message(tag(kv, 1, LENGTH).string("x"), 2, (x) => tag(x, 3, VARINT).int64(1))),
          );
          message(v, 6, (l) =>
            message(l, 1, (kv) => message(tag(kv, 1, LENGTH).string("y"), 2, (x) => tag(x, 3, VARINT).int64(2))),
          );
        });
        // KeyValue.value twice: the two AnyValues merge.
        message(w, 9, (kv) => {
          tag(kv, 1, LENGTH).string("value-twice");
          message(kv, 2, (v) => tag(v, 2, VARINT).bool(true));
          message(kv, 2, (v) => tag(v, 4, FIXED64).double(1.5));
        });
      }),
    ]);
    expect(decodedSpan(body).attributes).toEqual({
      "int-wins": 7,
      "array-merged": ["b"],
      "arrays-merged": ["a", "b"],
      "kvlists-merged": { x: 1, y: 2 },
      "value-twice": 1.5,
    });
  });

  it("treats a known field with the wrong wire type as unknown", () => {
    const body = request([span((w) => tag(w, 5, VARINT).uint32(42))]);
    expect(decodedSpan(body).name).toBe("op");
  });

  it("skips unknown fields of every wire type, including groups", () => {
    const body = request([
      span((w) => {
        tag(w, 100, VARINT).uint64("18446744073709551615" as never);
        tag(w, 101, FIXED64).fixed64(1);
        tag(w, 102, LENGTH).string("skip me");
        tag(w, 103, FIXED32).fixed32(5);
        tag(w, 104, START_GROUP);
        tag(w, 1, VARINT).uint32(1);
        tag(w, 105, START_GROUP);
        tag(w, 105, END_GROUP);
        tag(w, 104, END_GROUP);
      }),
    ]);
    expect(decodedSpan(body).name).toBe("op");
  });

  const refused: [string, Uint8Array][] = [
    ["a mismatched end-group tag", request([span((w) => tag(tag(w, 104, START_GROUP), 105, END_GROUP))])],
    ["a stray end-group tag", request([span((w) => tag(w, 104, END_GROUP))])],
    ["wire type 6", request([span((w) => tag(w, 104, 6))])],
    ["field number 0", encode((w) => tag(w, 0, VARINT).uint32(1))],
    ["a trailing zero byte", Uint8Array.from([...request([span()]), 0])],
    ["invalid UTF-8 in a span name", request([span((w) => tag(w, 5, LENGTH).bytes(Buffer.from([0x61, 0xff])))])],
    [
      "invalid UTF-8 past the depth cap",
      request([
        span((w) =>
          attribute(
            w,
            "deep",
            nested(12, (v) => tag(v, 1, LENGTH).bytes(Buffer.from([0xc0, 0x80]))),
          ),
        ),
      ]),
    ],
    [
      "invalid UTF-8 in an entity ref",
      request([span()], (rs) =>
        message(rs, 1, (r) => message(r, 3, (e) => tag(e, 2, LENGTH).bytes(Buffer.from([0xed, 0xa0, 0x80])))),
      ),
    ],
    ["nesting beyond protobufjs's recursion limit", request([span((w) => attribute(w, "deep", nested(60)))])],
    ["an 11-byte varint", wrapSpan([0x30, ...Array<number>(10).fill(0xff), 0x01])],
  ];
  for (const [what, body] of refused) {
    it(`refuses ${what} in both decoders`, () => {
      expect(decodeBoth(body)).toBe("decode error");
    });
  }

  it("accepts nesting below the recursion limit and caps the value at 8 levels", () => {
    const deep = decodedSpan(request([span((w) => attribute(w, "deep", nested(40)))]));
    let level: unknown = deep.attributes?.deep;
    for (let i = 0; i < 8; i++) level = (level as unknown[])[0];
    expect(level).toBeNull();
  });

  it("reads a negative kind from a 10-byte varint and rejects the span", () => {
    const result = decodeBoth(request([span((w) => tag(w, 6, VARINT).int32(-1))]));
    expect(result !== "decode error" && result.rejectionReasons).toEqual(["span 0 of scope 0 of resource 0: invalid kind -1"]);
  });

  it("reads int64 attribute values at the edges exactly", () => {
    const body = request([
      span((w) => {
        attribute(w, "min", (v) => tag(v, 3, VARINT).int64("-9223372036854775808" as never));
        attribute(w, "max", (v) => tag(v, 3, VARINT).int64("9223372036854775807" as never));
        attribute(w, "safe", (v) => tag(v, 3, VARINT).int64(-(2 ** 53 - 1)));
      }),
    ]);
    expect(decodedSpan(body).attributes).toEqual({
      min: "-9223372036854775808",
      max: "9223372036854775807",
      safe: -(2 ** 53 - 1),
    });
  });

  it("decodes non-ASCII and repeated short strings the same way", () => {
    const body = request([
      span((w) => {
        attribute(w, "ключ", (v) => tag(v, 1, LENGTH).string("значение 😀"));
        attribute(w, "ascii", (v) => tag(v, 1, LENGTH).string("same"));
        attribute(w, "ascii2", (v) => tag(v, 1, LENGTH).string("same"));
        attribute(w, "bom", (v) => tag(v, 1, LENGTH).string("\ufeffx"));
      }),
    ]);
    expect(decodedSpan(body).attributes).toEqual({ ключ: "значение 😀", ascii: "same", ascii2: "same", bom: "\ufeffx" });
  });

  it("agrees on 500 random AnyValue trees with repeated and switching oneof members", () => {
    const random = createRandom(0x5eed);
    const pick = (n: number) => Math.floor(random() * n);
    const anyValue = (depth: number): Build => {
      const members = Array.from({ length: 1 + pick(4) }, () => pick(depth > 10 ? 5 : 7));
      return (v) => {
        for (const member of members) {
          switch (member) {
            case 0:
              tag(v, 1, LENGTH).string(["", "a", "\u0000x", "long ".repeat(20)][pick(4)]);
              break;
            case 1:
              tag(v, 2, VARINT).bool(random() < 0.5);
              break;
            case 2:
              tag(v, 3, VARINT).int64([0, -1, 2 ** 60, -(2 ** 53) - 3][pick(4)]);
              break;
            case 3:
              tag(v, 4, FIXED64).double([0, -0.5, Number.NaN, Number.NEGATIVE_INFINITY][pick(4)]);
              break;
            case 4:
              tag(v, 7, LENGTH).bytes(Buffer.from([pick(256), pick(256)]));
              break;
            case 5:
              message(v, 5, (array) => {
                for (let i = pick(3); i > 0; i--) message(array, 1, anyValue(depth + 1));
              });
              break;
            default:
              message(v, 6, (list) => {
                for (let i = pick(3); i > 0; i--) {
                  message(list, 1, (kv) => {
                    tag(kv, 1, LENGTH).string(["k", "j", "__proto__"][pick(3)]);
                    for (let j = 1 + pick(2); j > 0; j--) message(kv, 2, anyValue(depth + 1));
                  });
                }
              });
          }
        }
      };
    };
    for (let i = 0; i < 500; i++) {
      const body = request([
        span((w) =>
          message(w, 9, (kv) => {
            tag(kv, 1, LENGTH).string(`k${i % 3}`);
            for (let j = 1 + pick(2); j > 0; j--) message(kv, 2, anyValue(0));
          }),
        ),
      ]);
      expect(decodeBoth(body)).not.toBe("decode error");
    }
  });
});
