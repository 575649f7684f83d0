import type { Logger } from "../../lib/server/logger";
import { type Database, openDatabase } from "../shared/database";
import { sampleLatencyMs } from "../shared/latency";
import { sleep } from "../shared/http";
import { withClientSpan } from "../shared/peer-span";
import { PRODUCTS } from "../shared/products";
import type { HealthCheck } from "../shared/service-runtime";

/**
 * Where inventory keeps stock: PostgreSQL in the demo's own schema when DEMO_DATABASE_URL is
 * set (the pg instrumentation makes the CLIENT spans), otherwise a Map behind a manual CLIENT
 * span so the trace still shows a storage hop. Stock refills itself when it runs low: the
 * demo runs for hours and should not turn into a stream of "out of stock" answers.
 */

export type ReserveItem = { sku: string; quantity: number };
export type ReserveResult =
  { ok: true; reservationId: string; items: ReserveItem[] } | { ok: false; reason: "out_of_stock" | "unknown_sku"; sku: string };
export type StockLevel = { sku: string; available: number; reserved: number };

export type StockStore = {
  kind: "postgresql" | "memory";
  /** Takes every item or none. Reserving again for the same order returns the first reservation. */
  reserve(orderId: string, items: ReserveItem[]): Promise<ReserveResult>;
  /** Puts a reservation's items back; false when there was none. */
  release(orderId: string): Promise<boolean>;
  get(sku: string): Promise<StockLevel | undefined>;
  /** Can it serve now (the database is reachable and set up)? */
  isReady(): boolean;
  check(): HealthCheck;
  close(): Promise<void>;
};

export const INITIAL_STOCK = 10_000;
/** Below this after a reservation, the SKU is topped up by INITIAL_STOCK. */
export const RESTOCK_BELOW = 100;

export class StoreUnavailableError extends Error {
  readonly code = "STORE_UNAVAILABLE";
}

// ——— PostgreSQL ———

const DDL = [
  `CREATE TABLE IF NOT EXISTS {schema}.stock (
     sku text PRIMARY KEY,
     available integer NOT NULL CHECK (available >= 0),
     reserved integer NOT NULL DEFAULT 0,
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE IF NOT EXISTS {schema}.reservations (
     order_id text PRIMARY KEY,
     items jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
];

export function createPgStockStore(options: { url: string; schema: string; log: Logger }): StockStore & { db: Database } {
  const db = openDatabase({
    url: options.url,
    schema: options.schema,
    log: options.log,
    ddl: [
      ...DDL,
      // Seed every product once; later starts keep the stock as it is.
      `INSERT INTO {schema}.stock (sku, available) VALUES ${PRODUCTS.map((p) => `('${p.id}', ${INITIAL_STOCK})`).join(", ")}
       ON CONFLICT (sku) DO NOTHING`,
    ],
  });
  const s = db.schema;
  const requireReady = () => {
    if (!db.isReady()) throw new StoreUnavailableError(`stock database unavailable: ${db.check().detail ?? "not ready"}`);
  };

  return {
    kind: "postgresql",
    db,
    async reserve(orderId, items) {
      requireReady();
      const client = await db.pool.connect();
      try {
        await client.query("BEGIN");
        const existing = await client.query<{ items: ReserveItem[] }>(`SELECT items FROM ${s}.reservations WHERE order_id = $1`, [
          orderId,
        ]);
        if (existing.rows[0]) {
          await client.query("ROLLBACK");
          return { ok: true, reservationId: orderId, items: existing.rows[0].items };
        }
        // One statement per SKU in a fixed order (sorted), so concurrent orders never deadlock.
        for (const item of [...items].sort((a, b) => a.sku.localeCompare(b.sku))) {
          const updated = await client.query<{ available: number }>(
            `UPDATE ${s}.stock
                SET available = available - $2
                              + CASE WHEN available - $2 < ${RESTOCK_BELOW} THEN ${INITIAL_STOCK} ELSE 0 END,
                    reserved = reserved + $2,
                    updated_at = now()
              WHERE sku = $1 AND available >= $2
             RETURNING available`,
            [item.sku, item.quantity],
          );
          if (updated.rowCount === 0) {
            await client.query("ROLLBACK");
            const known = await db.pool.query(`SELECT 1 FROM ${s}.stock WHERE sku = $1`, [item.sku]);
            return { ok: false, reason: known.rowCount === 0 ? "unknown_sku" : "out_of_stock", sku: item.sku };
          }
        }
        const inserted = await client.query(
          `INSERT INTO ${s}.reservations (order_id, items) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING`,
          [orderId, JSON.stringify(items)],
        );
        if (inserted.rowCount === 0) {
          // The same order reserved concurrently and won: keep its reservation, undo ours.
          await client.query("ROLLBACK");
          return { ok: true, reservationId: orderId, items };
        }
        await client.query("COMMIT");
        return { ok: true, reservationId: orderId, items };
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async release(orderId) {
      requireReady();
      const client = await db.pool.connect();
      try {
        await client.query("BEGIN");
        const removed = await client.query<{ items: ReserveItem[] }>(
          `DELETE FROM ${s}.reservations WHERE order_id = $1 RETURNING items`,
          [orderId],
        );
        for (const item of removed.rows[0]?.items ?? []) {
          await client.query(
            `UPDATE ${s}.stock SET available = available + $2, reserved = GREATEST(reserved - $2, 0), updated_at = now()
              WHERE sku = $1`,
            [item.sku, item.quantity],
          );
        }
        await client.query("COMMIT");
        return removed.rowCount === 1;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async get(sku) {
      requireReady();
      const result = await db.pool.query<StockLevel>(`SELECT sku, available, reserved FROM ${s}.stock WHERE sku = $1`, [sku]);
      return result.rows[0];
    },
    isReady: () => db.isReady(),
    check: () => db.check(),
    close: () => db.close(),
  };
}

// ——— In memory ———

const memoryLatency = { medianMs: 2, sigma: 0.5, tailRate: 0.01, tailMinMs: 20, tailMaxMs: 60 };

/** Pure stock bookkeeping (tested on its own); the store wraps it in CLIENT spans. */
export class MemoryStock {
  private readonly stock = new Map<string, { available: number; reserved: number }>();
  private readonly reservations = new Map<string, ReserveItem[]>();

  constructor(skus: readonly string[], initial = INITIAL_STOCK) {
    for (const sku of skus) this.stock.set(sku, { available: initial, reserved: 0 });
  }

  reserve(orderId: string, items: ReserveItem[]): ReserveResult {
    const existing = this.reservations.get(orderId);
    if (existing) return { ok: true, reservationId: orderId, items: existing };
    for (const item of items) {
      const level = this.stock.get(item.sku);
      if (!level) return { ok: false, reason: "unknown_sku", sku: item.sku };
      if (level.available < item.quantity) return { ok: false, reason: "out_of_stock", sku: item.sku };
    }
    for (const item of items) {
      const level = this.stock.get(item.sku)!;
      level.available -= item.quantity;
      level.reserved += item.quantity;
      if (level.available < RESTOCK_BELOW) level.available += INITIAL_STOCK;
    }
    this.reservations.set(orderId, items);
    // Bounded: old reservations are forgotten (their stock stays taken, as if shipped).
    if (this.reservations.size > 50_000) this.reservations.delete(this.reservations.keys().next().value!);
    return { ok: true, reservationId: orderId, items };
  }

  release(orderId: string): boolean {
    const items = this.reservations.get(orderId);
    if (!items) return false;
    this.reservations.delete(orderId);
    for (const item of items) {
      const level = this.stock.get(item.sku);
      if (!level) continue;
      level.available += item.quantity;
      level.reserved = Math.max(0, level.reserved - item.quantity);
    }
    return true;
  }

  get(sku: string): StockLevel | undefined {
    const level = this.stock.get(sku);
    return level && { sku, ...level };
  }
}

export function createMemoryStockStore(): StockStore {
  const stock = new MemoryStock(PRODUCTS.map((product) => product.id));
  const span = <T>(operation: string, run: () => T): Promise<T> =>
    withClientSpan(
      `${operation} inventory-store`,
      { "peer.service": "inventory-store", "db.system": "memory", "db.system.name": "memory", "db.operation.name": operation },
      async () => {
        await sleep(sampleLatencyMs(memoryLatency));
        return run();
      },
    );
  return {
    kind: "memory",
    reserve: (orderId, items) => span("reserve", () => stock.reserve(orderId, items)),
    release: (orderId) => span("release", () => stock.release(orderId)),
    get: (sku) => span("get", () => stock.get(sku)),
    isReady: () => true,
    check: () => ({ name: "store", status: "pass", detail: "in memory (no DEMO_DATABASE_URL)" }),
    close: async () => undefined,
  };
}
