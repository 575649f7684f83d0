import { describe, expect, it } from "vitest";
import { SPAN_KIND, STATUS_CODE, type NormalizedSpan } from "@/lib/otlp/model";
import {
  SPAN_COPY_COLUMNS,
  encodeJsonForCopy,
  encodeSpanCopyChunks,
  encodeSpanCopyRow,
  encodeSpanCopyRows,
  escapeCopyText,
  formatTimestampMicros,
  spanStartMicros,
} from "./copy-encode";

/** Reads one COPY text line back the way PostgreSQL does (NULL → null). */
function parseCopyLine(line: string): (string | null)[] {
  expect(line.endsWith("\n")).toBe(true);
  const body = line.slice(0, -1);
  expect(body).not.toMatch(/[\n\r]/);
  return body.split("\t").map((field) => {
    if (field === "\\N") return null;
    return field.replace(/\\(.)/g, (_, char: string) => {
      switch (char) {
        case "t":
          return "\t";
        case "n":
          return "\n";
        case "r":
          return "\r";
        case "\\":
          return "\\";
        default:
          throw new Error(`unexpected escape \\${char} in ${field}`);
      }
    });
  });
}

function rowObject(line: string): Record<string, string | null> {
  const fields = parseCopyLine(line);
  expect(fields).toHaveLength(SPAN_COPY_COLUMNS.length);
  return Object.fromEntries(SPAN_COPY_COLUMNS.map((column, i) => [column, fields[i]]));
}

const baseSpan: NormalizedSpan = {
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  name: "GET /api/cart",
  kind: SPAN_KIND.SERVER,
  startTimeUnixNano: 1_795_255_200_123_456_789n, // 2026-11-21T10:00:00.123456789Z
  durationNs: 42_000_123n,
  serviceName: "cart",
  resourceId: "1234567890123456789",
  statusCode: STATUS_CODE.UNSET,
};

describe("spanStartMicros", () => {
  it("truncates nanoseconds to whole microseconds", () => {
    expect(spanStartMicros(1_795_255_200_123_456_789n)).toBe(1_795_255_200_123_456);
    expect(spanStartMicros(1_000n)).toBe(1);
    expect(spanStartMicros(999n)).toBe(0);
  });

  it("floors before the epoch", () => {
    expect(spanStartMicros(-1n)).toBe(-1);
    expect(spanStartMicros(-1000n)).toBe(-1);
    expect(spanStartMicros(-1001n)).toBe(-2);
  });
});

describe("formatTimestampMicros", () => {
  it("formats UTC with six fractional digits", () => {
    expect(formatTimestampMicros(1_795_255_200_123_456)).toBe("2026-11-21 10:00:00.123456+00");
    expect(formatTimestampMicros(1_795_255_200_000_000)).toBe("2026-11-21 10:00:00.000000+00");
    expect(formatTimestampMicros(1_795_255_200_000_007)).toBe("2026-11-21 10:00:00.000007+00");
    expect(formatTimestampMicros(1_795_255_259_999_999)).toBe("2026-11-21 10:00:59.999999+00");
  });

  it("switches seconds correctly after caching one", () => {
    expect(formatTimestampMicros(1_795_255_200_500_000)).toBe("2026-11-21 10:00:00.500000+00");
    expect(formatTimestampMicros(1_795_255_201_000_001)).toBe("2026-11-21 10:00:01.000001+00");
    expect(formatTimestampMicros(1_795_255_200_999_999)).toBe("2026-11-21 10:00:00.999999+00");
    expect(formatTimestampMicros(0)).toBe("1970-01-01 00:00:00.000000+00");
    expect(formatTimestampMicros(-1)).toBe("1969-12-31 23:59:59.999999+00");
  });

  it("refuses times where microseconds are no longer exact (beyond 2255)", () => {
    expect(() => formatTimestampMicros(Date.parse("2300-01-01T00:00:00Z") * 1000)).toThrow(RangeError);
    expect(() => formatTimestampMicros(Date.parse("1600-01-01T00:00:00Z") * 1000)).toThrow(RangeError);
    expect(formatTimestampMicros(Date.parse("2250-12-31T23:59:59Z") * 1000 + 5)).toBe("2250-12-31 23:59:59.000005+00");
  });
});

describe("escapeCopyText", () => {
  it("returns plain text unchanged", () => {
    const text = "GET /api/cart?x=1 \"quoted\" 'single' ünïcödé 🚀 \u2028";
    expect(escapeCopyText(text)).toBe(text);
  });

  it("escapes backslash, tab, newline and carriage return", () => {
    expect(escapeCopyText("a\\b\tc\nd\re")).toBe("a\\\\b\\tc\\nd\\re");
    expect(escapeCopyText("\\N")).toBe("\\\\N");
    expect(escapeCopyText("\\.")).toBe("\\\\.");
  });

  it("replaces NUL, which PostgreSQL text cannot hold", () => {
    expect(escapeCopyText("a\0b")).toBe("a\uFFFDb");
  });
});

describe("encodeJsonForCopy", () => {
  it("leaves JSON without backslashes untouched", () => {
    expect(encodeJsonForCopy({ "http.method": "GET", n: 1, ok: true, none: null })).toBe(
      '{"http.method":"GET","n":1,"ok":true,"none":null}',
    );
  });

  it("doubles the backslashes of JSON escapes so COPY hands jsonb valid JSON", () => {
    const value = { q: 'say "hi"', path: "C:\\dir", multi: "a\nb\tc\rd" };
    const encoded = encodeJsonForCopy(value);
    expect(encoded).not.toMatch(/[\t\n\r]/);
    // Undo COPY escaping the way the server does, then parse as jsonb would.
    const unescaped = encoded.replace(/\\\\/g, "\\");
    expect(JSON.parse(unescaped)).toEqual(value);
  });

  it("keeps unicode and surrogate pairs as they are", () => {
    const value = { emoji: "🚀", text: "ünïcödé", sep: "\u2028" };
    expect(JSON.parse(encodeJsonForCopy(value))).toEqual(value);
  });

  it("replaces NUL and lone surrogates (which jsonb refuses) in keys and values", () => {
    const value = { "k\0": ["a\0b", "x\uD800y", "\uDC00"], nested: { z: "ok\uD83D" } };
    const encoded = encodeJsonForCopy(value);
    expect(encoded).not.toMatch(/\\\\u(0000|d[89a-f])/i);
    expect(JSON.parse(encoded.replace(/\\\\/g, "\\"))).toEqual({
      "k\uFFFD": ["a\uFFFDb", "x\uFFFDy", "\uFFFD"],
      nested: { z: "ok\uFFFD" },
    });
  });

  it("keeps a literal backslash-u text intact", () => {
    const value = { text: "\\u0000 is not NUL" };
    expect(JSON.parse(encodeJsonForCopy(value).replace(/\\\\/g, "\\"))).toEqual(value);
  });
});

describe("encodeSpanCopyRow", () => {
  it("writes a minimal span with NULLs for everything optional", () => {
    const row = rowObject(encodeSpanCopyRow(baseSpan));
    expect(row).toEqual({
      start_time: "2026-11-21 10:00:00.123456+00",
      duration_ns: "42000123",
      resource_id: "1234567890123456789",
      scope_id: null,
      trace_id: "0af7651916cd43dd8448eb211c80319c",
      kind: "2",
      status_code: "0",
      flags: null,
      dropped_attributes_count: null,
      dropped_events_count: null,
      dropped_links_count: null,
      span_id: "\\xb7ad6b7169203331",
      parent_span_id: null,
      service_name: "cart",
      name: "GET /api/cart",
      status_message: null,
      trace_state: null,
      attributes: null,
      events: null,
      links: null,
    });
  });

  it("writes every field of a full span, escaping nasty strings", () => {
    const span: NormalizedSpan = {
      ...baseSpan,
      parentSpanId: "00f067aa0ba902b7",
      traceState: "vendor=a\tb",
      flags: 1,
      scopeId: "42",
      statusCode: STATUS_CODE.ERROR,
      statusMessage: "boom\nline 2\\end",
      serviceName: "shop\tfront",
      name: 'SELECT "x"\r\nFROM t',
      attributes: { "http.route": "/a\tb", "db.statement": "SELECT '\\'", count: 3, nested: { arr: [1, "two"] } },
      events: [{ timeUnixNano: "1795255200123456999", name: "exception", attributes: { "exception.message": "a\nb" } }],
      links: [{ traceId: "11111111111111111111111111111111", spanId: "2222222222222222", traceState: "k=v" }],
      droppedAttributesCount: 2,
      droppedEventsCount: 0,
      droppedLinksCount: 5,
    };
    const row = rowObject(encodeSpanCopyRow(span));
    expect(row.scope_id).toBe("42");
    expect(row.flags).toBe("1");
    expect(row.status_code).toBe("2");
    expect(row.dropped_attributes_count).toBe("2");
    expect(row.dropped_events_count).toBeNull();
    expect(row.dropped_links_count).toBe("5");
    expect(row.parent_span_id).toBe("\\x00f067aa0ba902b7");
    expect(row.trace_state).toBe("vendor=a\tb");
    expect(row.status_message).toBe("boom\nline 2\\end");
    expect(row.service_name).toBe("shop\tfront");
    expect(row.name).toBe('SELECT "x"\r\nFROM t');
    expect(JSON.parse(row.attributes ?? "")).toEqual(span.attributes);
    expect(JSON.parse(row.events ?? "")).toEqual(span.events);
    expect(JSON.parse(row.links ?? "")).toEqual(span.links);
  });

  it("stores empty collections and strings as NULL", () => {
    const row = rowObject(
      encodeSpanCopyRow({ ...baseSpan, attributes: {}, events: [], links: [], statusMessage: "", traceState: "" }),
    );
    expect([row.attributes, row.events, row.links, row.status_message, row.trace_state]).toEqual([null, null, null, null, null]);
  });
});

describe("encodeSpanCopyRows", () => {
  it("concatenates one line per span in order", () => {
    const spans = [baseSpan, { ...baseSpan, spanId: "0000000000000001", name: "second" }];
    const text = encodeSpanCopyRows(spans);
    const lines = text.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    expect(rowObject(`${lines[1]}\n`).name).toBe("second");
    expect(encodeSpanCopyRows([])).toBe("");
  });
});

describe("encodeSpanCopyChunks", () => {
  it("splits the same text at line boundaries into UTF-8 buffers", () => {
    const spans = Array.from({ length: 50 }, (_, i) => ({
      ...baseSpan,
      spanId: (i + 1).toString(16).padStart(16, "0"),
      name: `ünïcödé 🚀 ${i}`,
    }));
    const chunks = encodeSpanCopyChunks(spans, 1000);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.at(-1)).toBe(0x0a);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(encodeSpanCopyRows(spans));
    expect(encodeSpanCopyChunks(spans)).toHaveLength(1);
    expect(encodeSpanCopyChunks([])).toEqual([]);
  });
});
