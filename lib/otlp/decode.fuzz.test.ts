import { describe, expect, it } from "vitest";
import { decodeTraceRequest, decodeTraceRequestWithProtobufjs, OtlpDecodeError } from "./decode";
import type { SpanBatch } from "./model";
import { createRandom, mutate, seedPayloads } from "./test-payloads";

// Seeded mutations of valid protobuf payloads: decoding must return a batch or throw
// OtlpDecodeError — never another exception, never hang — and the specialized decoder must
// agree with the protobufjs reference path: both throw, or both return the same batch.

const OPTIONS = { maxAttributeValueLength: 256, maxAgeMs: 365 * 24 * 3600_000, maxFutureMs: 3600_000, nowMs: 1_763_700_000_000 };
const ITERATIONS = 4000;

function outcome(decode: () => SpanBatch): SpanBatch | OtlpDecodeError {
  try {
    return decode();
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error;
    throw error;
  }
}

describe("protobuf fuzzing", () => {
  it(`survives ${ITERATIONS} seeded mutations, and both decoders agree on each`, () => {
    const random = createRandom(0xb4ea_4a7e);
    const seeds = seedPayloads();
    let decoded = 0;
    let refused = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const payload = mutate(seeds[i % seeds.length], random);
      const context = `iteration ${i}: ${Buffer.from(payload).toString("hex")}`;
      const fast = outcome(() => decodeTraceRequest(payload, "protobuf", OPTIONS));
      const reference = outcome(() => decodeTraceRequestWithProtobufjs(payload, OPTIONS));
      if (fast instanceof OtlpDecodeError || reference instanceof OtlpDecodeError) {
        expect(fast instanceof OtlpDecodeError && reference instanceof OtlpDecodeError, context).toBe(true);
        refused++;
        continue;
      }
      expect(fast, context).toStrictEqual(reference);
      for (const span of fast.spans) {
        expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
        expect(span.durationNs >= 0n).toBe(true);
      }
      decoded++;
    }
    // Both outcomes must be exercised, or the mutations are too weak or too strong.
    expect(decoded).toBeGreaterThan(ITERATIONS / 20);
    expect(refused).toBeGreaterThan(ITERATIONS / 20);
  });
});
