import type { Logger } from "../../lib/server/logger";
import { type Database, openDatabase } from "../shared/database";
import type { HealthCheck } from "../shared/service-runtime";

/**
 * Where orders keeps placed orders: PostgreSQL (shared by both versions, so GET /orders/:id
 * finds an order whichever instance placed it) or, without a database, a bounded Map per
 * instance — then an order placed by v1 is unknown to v2 (a documented demo limitation).
 */

export type Order = {
  id: string;
  status: "confirmed";
  items: { sku: string; quantity: number; priceCents: number }[];
  totalCents: number;
  currency: string;
  chargeId: string;
  createdAt: string;
  /** The orders instance that placed it (and its version). */
  placedBy: string;
  version: string;
};

export type OrderStore = {
  kind: "postgresql" | "memory";
  save(order: Order): Promise<void>;
  get(id: string): Promise<Order | undefined>;
  isReady(): boolean;
  check(): HealthCheck;
  close(): Promise<void>;
};

const DDL = [
  `CREATE TABLE IF NOT EXISTS {schema}.orders (
     id text PRIMARY KEY,
     body jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
];

export function createPgOrderStore(options: { url: string; schema: string; log: Logger }): OrderStore & { db: Database } {
  const db = openDatabase({ url: options.url, schema: options.schema, log: options.log, ddl: DDL });
  return {
    kind: "postgresql",
    db,
    async save(order) {
      await db.pool.query(`INSERT INTO ${db.schema}.orders (id, body) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [
        order.id,
        JSON.stringify(order),
      ]);
    },
    async get(id) {
      const result = await db.pool.query<{ body: Order }>(`SELECT body FROM ${db.schema}.orders WHERE id = $1`, [id]);
      return result.rows[0]?.body;
    },
    isReady: () => db.isReady(),
    check: () => db.check(),
    close: () => db.close(),
  };
}

export function createMemoryOrderStore(maxOrders = 20_000): OrderStore {
  const orders = new Map<string, Order>();
  return {
    kind: "memory",
    async save(order) {
      orders.set(order.id, order);
      if (orders.size > maxOrders) orders.delete(orders.keys().next().value!);
    },
    async get(id) {
      return orders.get(id);
    },
    isReady: () => true,
    check: () => ({ name: "store", status: "pass", detail: "in memory (no DEMO_DATABASE_URL)" }),
    close: async () => undefined,
  };
}
