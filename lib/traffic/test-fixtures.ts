/**
 * Test helpers for the traffic API: a route with registered instances, and requests to its
 * handlers carrying a real operator session (lib/test/auth) and same-origin headers. Used by
 * tests only.
 */
import type pg from "pg";
import { POST as postRoute } from "@/app/api/v1/routes/route";
import { heartbeatRequestSchema, recordHeartbeat } from "@/lib/control/record-heartbeat";
import { jsonRequest, makeHeartbeat } from "@/lib/control/test-fixtures";
import { getEnv } from "@/lib/env";
import { sameOriginHeaders } from "@/lib/test/auth";

export const BASE_URL = "http://breakwater.test";

/** What a route handler's second argument needs. */
export const routeContext = (id: string) => ({ params: Promise.resolve({ id }) });

/** The scenario's backends at declaration (route version 1). */
export const DECLARED_BACKENDS = [
  { version: "v1", weight: 90 },
  { version: "v2", weight: 10 },
];

/**
 * Route "orders" (service orders, v1 90 / v2 10, version 1, declared by gateway-1) and orders
 * instances orders-1 (v1), orders-2 and orders-3 (v2), and orders-9 (v3, deregistered).
 */
export async function seedOrdersRoute(pool: pg.Pool): Promise<void> {
  // As a gateway would: with its machine token when tokens are configured.
  const token = getEnv().BREAKWATER_INGEST_TOKENS[0];
  const declared = await postRoute(
    jsonRequest(
      `${BASE_URL}/api/v1/routes`,
      { id: "orders", service: "orders", backends: DECLARED_BACKENDS, instanceId: "gateway-1" },
      { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } },
    ),
  );
  if (declared.status !== 201) throw new Error(`declaring the route failed: ${declared.status} ${await declared.text()}`);
  for (const [instanceId, version] of [
    ["orders-1", "v1"],
    ["orders-2", "v2"],
    ["orders-3", "v2"],
    ["orders-9", "v3"],
  ]) {
    await beat({ service: "orders", instanceId, version, ttlMs: 300_000 }, pool);
  }
  await pool.query("UPDATE instances SET status = 'deregistered' WHERE instance_id = 'orders-9'");
}

/** One heartbeat through the real recording path. */
export async function beat(overrides: Parameters<typeof makeHeartbeat>[0], pool: pg.Pool): Promise<void> {
  const result = await recordHeartbeat(heartbeatRequestSchema.parse(makeHeartbeat(overrides)), { pool });
  if (!result.accepted) throw new Error(`heartbeat not accepted: ${result.reason}`);
}

/** A PUT /api/v1/routes/{id}/weights request as the Traffic page sends it (cookie = the session). */
export function weightsRequest(
  id: string,
  body: unknown,
  options: { cookie?: string; headers?: Record<string, string> } = {},
): Request {
  const url = `${BASE_URL}/api/v1/routes/${encodeURIComponent(id)}/weights`;
  return jsonRequest(url, body, {
    method: "PUT",
    headers: { ...sameOriginHeaders(url), ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
  });
}

/** The route's version and its audit row count: what "nothing stored" compares. */
export async function routeState(pool: pg.Pool, id = "orders"): Promise<{ version: number; backends: unknown; changes: number }> {
  const { rows } = await pool.query<{ version: number; backends: unknown; changes: number }>(
    `SELECT version, backends, (SELECT count(*)::int FROM route_changes WHERE route_id = $1) AS changes FROM routes WHERE id = $1`,
    [id],
  );
  return rows[0];
}
