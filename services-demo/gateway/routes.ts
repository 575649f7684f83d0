import type { DiscoveryRoute, RouteDeclaration } from "../../lib/control/contract";

/**
 * The gateway's routing table: which public paths go to which route (and so which service),
 * the routes it declares to Breakwater at start (the default weights), and how those defaults
 * combine with what discovery says (Breakwater's stored weights win once it has them).
 */

export type GatewayRouteId = "catalog" | "orders";

export const DECLARED_ROUTES: readonly (RouteDeclaration & { id: GatewayRouteId })[] = [
  { id: "catalog", service: "catalog", backends: [{ version: "v1", weight: 100 }] },
  {
    id: "orders",
    service: "orders",
    backends: [
      { version: "v1", weight: 90 },
      { version: "v2", weight: 10 },
    ],
  },
];

export const GATEWAY_UPSTREAMS = [...new Set(DECLARED_ROUTES.map((route) => route.service))];

/** Per-attempt timeouts: orders makes two upstream calls of its own (with retries) per order. */
export const ROUTE_TIMEOUT_MS: Record<GatewayRouteId, number> = { catalog: 2_000, orders: 6_000 };

export type ResolvedRoute = {
  routeId: GatewayRouteId;
  service: string;
  upstreamPath: string;
  /** The upstream path with its id segment as `{id}` (url.template): `/products/{id}`, `/orders`. */
  template: string;
};

/** `/products/bw-rope?x=1` → `/products/{id}`: the second segment is an id; the query goes. */
export function urlTemplate(upstreamPath: string): string {
  const path = upstreamPath.split("?")[0];
  return path
    .split("/")
    .map((segment, index) => (index === 2 && segment !== "" ? "{id}" : segment))
    .join("/");
}

/**
 * `/api/catalog/products?limit=3` → catalog `/products?limit=3`; `/api/orders`, `/api/orders/…`
 * → orders `/orders…`. undefined for anything else (404 at the gateway).
 */
export function resolveRoute(path: string, search = ""): ResolvedRoute | undefined {
  const catalog = /^\/api\/catalog(\/.*)$/.exec(path);
  if (catalog)
    return { routeId: "catalog", service: "catalog", upstreamPath: `${catalog[1]}${search}`, template: urlTemplate(catalog[1]) };
  const orders = /^\/api(\/orders(?:\/.*)?)$/.exec(path);
  if (orders)
    return { routeId: "orders", service: "orders", upstreamPath: `${orders[1]}${search}`, template: urlTemplate(orders[1]) };
  return undefined;
}

/**
 * The routes in effect: Breakwater's version of each route when discovery has it, otherwise
 * the declared default (version 0) — so the split is right from the first request, before the
 * declaration has reached Breakwater or while it is down at start.
 */
export function effectiveRoutes(discovered: readonly DiscoveryRoute[]): DiscoveryRoute[] {
  const byId = new Map(discovered.map((route) => [route.id, route]));
  const merged: DiscoveryRoute[] = DECLARED_ROUTES.map(
    (declared) =>
      byId.get(declared.id) ?? { id: declared.id, service: declared.service, version: 0, backends: declared.backends },
  );
  for (const route of discovered) if (!DECLARED_ROUTES.some((declared) => declared.id === route.id)) merged.push(route);
  return merged;
}
