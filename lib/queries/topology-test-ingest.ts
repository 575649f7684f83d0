/**
 * Ingests the demo shape (topology-test-fixtures) into a test schema's rollup tables, for the
 * topology query tests. Used by integration tests only.
 */
import type pg from "pg";
import { decodeTraceRequest } from "@/lib/otlp/decode";
import { computeRollups } from "@/lib/rollups/compute-rollups";
import { EdgePairingCache } from "@/lib/rollups/edge-pairing-cache";
import { ensureRollupPartitions } from "@/lib/rollups/ensure-rollup-partitions";
import { flushExpiredEdges } from "@/lib/rollups/flush-expired-edges";
import { summarizeSpan } from "@/lib/rollups/span-summary";
import { writeBatchRollups } from "@/lib/rollups/write-batch-rollups";
import { demoShapeRequests } from "./topology-test-fixtures";

/**
 * The rollups of the demo shape starting at `startMs`, computed and written as the span
 * writer does (one batch per service's request, one pairing cache), then the card network's
 * calls — which never get a server child — turned virtual once their TTL has run out.
 */
export async function ingestDemoShapeRollups(pool: pg.Pool, startMs: number): Promise<void> {
  const cache = new EdgePairingCache({ pairsInDatabase: false });
  const nowMs = startMs + 2_000;
  for (const request of demoShapeRequests(startMs)) {
    const batch = decodeTraceRequest(Buffer.from(JSON.stringify(request)), "json", { maxAttributeValueLength: 16_384 });
    const plan = computeRollups(batch.spans.map(summarizeSpan), cache, { nowMs });
    await ensureRollupPartitions(pool, plan.dayStartsMs, pool);
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await writeBatchRollups(client, plan);
      await client.query("COMMIT");
      plan.commit();
    } catch (error) {
      await client.query("ROLLBACK");
      plan.abort();
      throw error;
    } finally {
      client.release();
    }
  }
  await flushExpiredEdges(pool, cache, { nowMs: nowMs + cache.ttlMs + 1_000 });
}
