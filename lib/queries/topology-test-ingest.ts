/**
 * Ingests the demo shape (topology-test-fixtures) into a test schema through the real span
 * writer, which writes the rollups in the span transaction; for the topology query tests.
 * Used by integration tests only.
 */
import type pg from "pg";
import { SpanWriter } from "@/lib/ingest/span-writer";
import { decodeTraceRequest } from "@/lib/otlp/decode";
import { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import { demoShapeRequests } from "./topology-test-fixtures";

/** Short, so the card network's calls (no server child, no db.system) turn virtual within the test. */
const PAIRING_TTL_MS = 150;
const EDGE_FLUSH_INTERVAL_MS = 50;
const WAIT_FOR_VIRTUAL_EDGES_MS = 10_000;

/**
 * Every span of the demo shape starting at `startMs`, one OTLP/JSON request per service, each
 * decoded as the receiver does and submitted to a SpanWriter in turn; then waits until the
 * writer's flush has turned the card network's calls into their virtual edge (they have no
 * server child, and their pairing entries expire after a short TTL).
 */
export async function ingestDemoShapeRollups(pool: pg.Pool, startMs: number): Promise<void> {
  const writer = new SpanWriter(pool, {
    connections: 1,
    batchMaxWaitMs: 1,
    edgePairing: new EdgePairingCache({ ttlMs: PAIRING_TTL_MS }),
    edgeFlushIntervalMs: EDGE_FLUSH_INTERVAL_MS,
  });
  writer.start();
  try {
    const requests = demoShapeRequests(startMs);
    for (const request of requests) {
      const batch = decodeTraceRequest(Buffer.from(JSON.stringify(request)), "json", { maxAttributeValueLength: 16_384 });
      await writer.submit(batch);
    }
    const expected = requests
      .flatMap((r) => r.resourceSpans[0].scopeSpans[0].spans)
      .filter((s) => s.name.includes("card-network"));
    const deadline = Date.now() + WAIT_FOR_VIRTUAL_EDGES_MS;
    for (;;) {
      const { rows } = await pool.query<{ calls: string | null }>(
        `SELECT sum(calls) AS calls FROM edge_minute_stats
          WHERE caller_service = 'payments' AND callee = 'card-network' AND minute >= $1 AND minute < $2`,
        [new Date(Math.floor(startMs / 60_000) * 60_000), new Date(startMs + 120_000)],
      );
      if (Number(rows[0].calls ?? 0) >= expected.length) break;
      if (Date.now() > deadline) throw new Error("the card network's virtual edge was not written in time");
      await new Promise((resolve) => setTimeout(resolve, EDGE_FLUSH_INTERVAL_MS));
    }
  } finally {
    await writer.close();
  }
}
