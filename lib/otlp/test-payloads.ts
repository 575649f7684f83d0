import { ExportTraceServiceRequest } from "./protobuf";

// Test helpers shared by the fuzz and decoder-equivalence tests (not a test file itself).

/** mulberry32: small, fast, seedable. */
export function createRandom(seed: number): () => number {
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
    links: [
      {
        traceId: id(99, 16),
        spanId: id(98, 8),
        traceState: "a=b",
        flags: 1,
        attributes: [{ key: "l", value: { boolValue: false } }],
      },
    ],
    status: { code: n % 3, message: n % 3 === 2 ? "boom" : "" },
  });
  const request = (resources: number, spans: number) =>
    ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({
        resourceSpans: Array.from({ length: resources }, (_, r) => ({
          resource: { attributes: [{ key: "service.name", value: { stringValue: `svc-${r}` } }], droppedAttributesCount: 0 },
          schemaUrl: "https://opentelemetry.io/schemas/1.26.0",
          scopeSpans: [
            {
              scope: { name: "scope", version: "1", attributes: [{ key: "s", value: { stringValue: "v" } }] },
              spans: Array.from({ length: spans }, (_, s) => span(r * 10 + s)),
            },
          ],
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
