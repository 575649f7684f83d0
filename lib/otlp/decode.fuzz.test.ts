import { describe, expect, it } from "vitest";
import { decodeTraceRequest, OtlpDecodeError } from "./decode";
import { ExportTraceServiceRequest } from "./protobuf";

// Seeded mutations of valid protobuf payloads: decoding must return a batch or throw
// OtlpDecodeError — never another exception, never hang.

const OPTIONS = { maxAttributeValueLength: 256, maxAgeMs: 365 * 24 * 3600_000, maxFutureMs: 3600_000, nowMs: 1_763_700_000_000 };
const ITERATIONS = 4000;

/** mulberry32: small, fast, seedable. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedPayloads(): Uint8Array[] {
  const id = (n: number, bytes: number) => Buffer.from(n.toString(16).padStart(bytes * 2, "0"), "hex");
  const anyValues = [
    { stringValue: "GET" },
    { intValue: "-9007199254740993" },
    { doubleValue: 1.5 },
    { boolValue: true },
    { bytesValue: Buffer.from([1, 2, 3]) },
    { arrayValue: { values: [{ stringValue: "a" }, { arrayValue: { values: [{ intValue: 1 }] } }] } },
    { kvlistValue: { values: [{ key: "x", value: { stringValue: "y" } }] } },
    {},
  ];
  const span = (n: number) => ({
    traceId: id(n + 1, 16),
    spanId: id(n + 1, 8),
    parentSpanId: n % 2 ? id(n, 8) : undefined,
    traceState: n % 3 ? "k=v" : undefined,
    flags: 0x301,
    name: `span-${n}`,
    kind: n % 6,
    startTimeUnixNano: "1763700000000000000",
    endTimeUnixNano: "1763700000100000000",
    attributes: anyValues.map((value, i) => ({ key: `attr.${i}`, value })),
    droppedAttributesCount: 1,
    events: [{ timeUnixNano: "1763700000050000000", name: "ev", attributes: [{ key: "e", value: { intValue: 5 } }] }],
    links: [{ traceId: id(99, 16), spanId: id(98, 8), traceState: "a=b", flags: 1, attributes: [{ key: "l", value: { boolValue: false } }] }],
    status: { code: n % 3, message: n % 3 === 2 ? "boom" : "" },
  });
  const request = (resources: number, spans: number) =>
    ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({
        resourceSpans: Array.from({ length: resources }, (_, r) => ({
          resource: { attributes: [{ key: "service.name", value: { stringValue: `svc-${r}` } }], droppedAttributesCount: 0 },
          schemaUrl: "https://opentelemetry.io/schemas/1.26.0",
          scopeSpans: [{ scope: { name: "scope", version: "1", attributes: [{ key: "s", value: { stringValue: "v" } }] }, spans: Array.from({ length: spans }, (_, s) => span(r * 10 + s)) }],
        })),
      }),
    ).finish();
  return [request(1, 1), request(2, 3), request(3, 2)];
}

export function mutate(payload: Uint8Array, random: () => number): Uint8Array {
  let bytes = Uint8Array.from(payload);
  const mutations = 1 + Math.floor(random() * 4);
  for (let m = 0; m < mutations; m++) {
    const choice = random();
    const at = Math.floor(random() * (bytes.length + 1));
    if (choice < 0.4 && bytes.length > 0) {
      bytes[Math.min(at, bytes.length - 1)] ^= 1 << Math.floor(random() * 8);
    } else if (choice < 0.55) {
      bytes = bytes.slice(0, at);
    } else if (choice < 0.75) {
      const insert = Uint8Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 256));
      bytes = Uint8Array.from([...bytes.subarray(0, at), ...insert, ...bytes.subarray(at)]);
    } else if (choice < 0.9 && bytes.length > 0) {
      bytes[Math.min(at, bytes.length - 1)] = Math.floor(random() * 256);
    } else {
      const end = Math.min(bytes.length, at + 1 + Math.floor(random() * 16));
      bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(end)]);
    }
  }
  return bytes;
}

describe("protobuf fuzzing", () => {
  it(`survives ${ITERATIONS} seeded mutations: a batch or OtlpDecodeError, nothing else`, () => {
    const random = createRandom(0xb4ea_4a7e);
    const seeds = seedPayloads();
    let decoded = 0;
    let refused = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const payload = mutate(seeds[i % seeds.length], random);
      try {
        const batch = decodeTraceRequest(payload, "protobuf", OPTIONS);
        for (const span of batch.spans) {
          expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
          expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
          expect(span.durationNs >= 0n).toBe(true);
        }
        decoded++;
      } catch (error) {
        if (!(error instanceof OtlpDecodeError)) {
          throw new Error(`iteration ${i}: unexpected ${String(error)} for ${Buffer.from(payload).toString("hex")}`);
        }
        refused++;
      }
    }
    // Both outcomes must be exercised, or the mutations are too weak or too strong.
    expect(decoded).toBeGreaterThan(ITERATIONS / 20);
    expect(refused).toBeGreaterThan(ITERATIONS / 20);
  });
});
