/**
 * Ingests the demo shape (topology-test-fixtures) into a test schema through the real span
 * writer, which writes the rollups in the span transaction; for the topology query tests.
 * Used by integration tests only.
 */
import type pg from "pg";
import { SpanWriter } from "@/lib/ingest/span-writer";
import { decodeTraceRequest } from "@/lib/otlp/decode";
import { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import { flushExpiredEdges } from "@/lib/rollups/flush-expired-edges";
import { demoShapeRequests } from "./topology-test-fixtures";

/**
 * Every span of the demo shape starting at `startMs`, one OTLP/JSON request per service, each
 * decoded as the receiver does and submitted to a SpanWriter in turn (client halves pair with
 * their server halves in the writer's pairing cache, whatever the batch order). Then the flush
 * the writer runs on its timer, as if the pairing TTL had passed: the card network's calls,
 * which never get a server child, become their virtual edge. (A short real TTL would make the
 * test depend on the machine's speed: a late server half would find its client gone virtual.)
 */
export async function ingestDemoShapeRollups(pool: pg.Pool, startMs: number): Promise<void> {
  const pairing = new EdgePairingCache();
  const writer = new SpanWriter(pool, {
    connections: 1,
    batchMaxWaitMs: 1,
    edgePairing: pairing,
    edgeFlushIntervalMs: 3_600_000,
  });
  writer.start();
  try {
    for (const request of demoShapeRequests(startMs)) {
      const batch = decodeTraceRequest(Buffer.from(JSON.stringify(request)), "json", { maxAttributeValueLength: 16_384 });
      await writer.submit(batch);
    }
  } finally {
    await writer.close();
  }
  await flushExpiredEdges(pool, pairing, { nowMs: Date.now() + pairing.ttlMs + 1_000 });
}
