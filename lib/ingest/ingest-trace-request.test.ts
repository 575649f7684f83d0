import pg from "pg";
import { describe, expect, it } from "vitest";
import { AttributeKeyDictionary } from "@/lib/db/attribute-keys";
import { decodeTraceRequest } from "@/lib/otlp/decode";
import { jsonBody, makeSpan, protobufBody } from "@/lib/test/otlp-requests";
import { decodeIngestRequest, isWriterQueueFull, submitDecodedRequest } from "./ingest-trace-request";
import { SpanWriter } from "./span-writer";

const spans = (count: number) =>
  decodeTraceRequest(protobufBody(Array.from({ length: count }, () => makeSpan())), "protobuf", { maxAttributeValueLength: 64 });

describe("isWriterQueueFull", () => {
  it("is true once less than 5 % of the queue (at least one span) is free", async () => {
    // Never started and never connected (pg.Pool is lazy): submitted requests stay queued.
    const pool = new pg.Pool();
    const writer = new SpanWriter(pool, { queueMaxSpans: 100 });
    const pending: Promise<unknown>[] = [];
    const submit = (count: number) => {
      const promise = writer.submit(spans(count));
      promise.catch(() => {}); // rejected (WRITER_CLOSED) by close()
      pending.push(promise);
    };
    try {
      expect(isWriterQueueFull(writer)).toBe(false);
      submit(95);
      expect(isWriterQueueFull(writer)).toBe(false); // 5 free: a small request still fits
      submit(1);
      expect(writer.stats().queuedSpans).toBe(96);
      expect(isWriterQueueFull(writer)).toBe(true);

      const tiny = new SpanWriter(pool, { queueMaxSpans: 1 });
      expect(isWriterQueueFull(tiny)).toBe(false);
      tiny.submit(spans(1)).catch(() => {});
      expect(isWriterQueueFull(tiny)).toBe(true);
      await tiny.close();
    } finally {
      await writer.close();
      await Promise.allSettled(pending);
      await pool.end();
    }
  });
});

describe("decodeIngestRequest", () => {
  const env = { BREAKWATER_MAX_ATTRIBUTE_VALUE_LENGTH: 4096, BREAKWATER_SPAN_RETENTION_HOURS: 48 };
  const bare = () => makeSpan({ attributes: [] });

  it("encodes a protobuf request straight to COPY rows when given the writer's dictionary and it can", async () => {
    const dictionary = new AttributeKeyDictionary();
    const encoded = decodeIngestRequest(protobufBody([bare(), bare()]), "protobuf", env, dictionary);
    expect("copyText" in encoded && encoded.spanCount).toBe(2);
    let submitted: unknown;
    const result = await submitDecodedRequest(encoded, {
      submit: (batch) => {
        submitted = batch;
        return Promise.resolve({ inserted: 2, duplicates: 0 });
      },
    });
    expect(submitted).toBe(encoded);
    expect(result).toMatchObject({ acceptedSpans: 2, inserted: 2, rejectedSpans: 0 });
  });

  it("decodes with the general path otherwise: no dictionary, JSON, a key not known yet, a rejected span", () => {
    const dictionary = new AttributeKeyDictionary();
    const general = (batch: ReturnType<typeof decodeIngestRequest>) => "spans" in batch;
    expect(general(decodeIngestRequest(protobufBody([bare()]), "protobuf", env))).toBe(true);
    expect(general(decodeIngestRequest(jsonBody([bare()]), "json", env, dictionary))).toBe(true);
    expect(general(decodeIngestRequest(protobufBody([makeSpan()]), "protobuf", env, dictionary))).toBe(true);
    const rejected = decodeIngestRequest(
      protobufBody([bare(), makeSpan({ attributes: [], kind: 9 })]),
      "protobuf",
      env,
      dictionary,
    );
    expect(general(rejected) && rejected.rejectedSpans).toBe(1);
  });
});
