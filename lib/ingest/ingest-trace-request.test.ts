import pg from "pg";
import { describe, expect, it } from "vitest";
import { decodeTraceRequest } from "@/lib/otlp/decode";
import { makeSpan, protobufBody } from "@/lib/test/otlp-requests";
import { isWriterQueueFull } from "./ingest-trace-request";
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
