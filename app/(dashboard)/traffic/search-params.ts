import { TRAFFIC_RANGES, type TrafficRange } from "@/lib/query-client/traffic-query";

/**
 * The Traffic page's view state in the URL: `?route=orders&range=5m` (plus the shell's
 * `refresh`). `route` is the route being edited (none: the list only); `range` is the window
 * of the split chart and the per-version table (default 15 minutes, left out of the URL).
 */
export const ROUTE_PARAM = "route";
export const RANGE_PARAM = "range";
export const DEFAULT_TRAFFIC_RANGE: TrafficRange = "15m";

export const TRAFFIC_RANGE_LABELS: Record<TrafficRange, string> = { "5m": "5 min", "15m": "15 min", "1h": "1 h" };

export type TrafficView = { route: string | null; range: TrafficRange };

type ParamReader = { get(name: string): string | null };

// Route ids are names as the control contract allows them; anything else is ignored.
const ROUTE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;

export function parseTrafficView(params: ParamReader): TrafficView {
  const route = params.get(ROUTE_PARAM);
  const range = params.get(RANGE_PARAM);
  return {
    route: route !== null && ROUTE_ID.test(route) ? route : null,
    range: TRAFFIC_RANGES.find((r) => r === range) ?? DEFAULT_TRAFFIC_RANGE,
  };
}

/** URL changes for a (partial) view change; null removes a parameter (the default). */
export function serializeTrafficView(view: Partial<TrafficView>): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  if (view.route !== undefined) changes[ROUTE_PARAM] = view.route;
  if (view.range !== undefined) changes[RANGE_PARAM] = view.range === DEFAULT_TRAFFIC_RANGE ? null : view.range;
  return changes;
}

/** `/traffic?route=orders` with the other parameters kept: the link of a route's card, and sign-in's `next`. */
export function trafficHref(route: string | null, current: URLSearchParams | null = null): string {
  const params = new URLSearchParams(current?.toString() ?? "");
  if (route === null) params.delete(ROUTE_PARAM);
  else params.set(ROUTE_PARAM, route);
  const query = params.toString();
  return query === "" ? "/traffic" : `/traffic?${query}`;
}
