/**
 * Links from one dashboard page to another keep the view state that applies on both: the time
 * range and the refresh setting (a paused view stays paused, a custom window stays put).
 * Names from the data are URL-encoded path segments or parameter values, never raw hrefs, so a
 * service name can not become a scheme or a host.
 */
import { REFRESH_PARAM, type RefreshInterval, serializeRefreshParam } from "./refresh-interval";
import { appendTimeRange, type TimeRange } from "./time-range";

/** The view state a link carries over. */
export type LinkedView = { range: TimeRange; refresh: RefreshInterval };

function withView(path: string, params: URLSearchParams, view: LinkedView, canTakeCustom = true): string {
  if (view.range.kind === "preset" || canTakeCustom) appendTimeRange(params, view.range);
  const refresh = serializeRefreshParam(view.refresh);
  if (refresh !== null) params.set(REFRESH_PARAM, refresh);
  const query = params.toString();
  return query === "" ? path : `${path}?${query}`;
}

/** The Services page (the list). */
export function servicesHref(view: LinkedView): string {
  return withView("/services", new URLSearchParams(), view);
}

/** A service's page. */
export function serviceHref(service: string, view: LinkedView): string {
  return withView(`/services/${encodeURIComponent(service)}`, new URLSearchParams(), view);
}

/** The trace search for a service, optionally one operation of it. */
export function tracesHref(filters: { service: string; operation?: string }, view: LinkedView): string {
  const params = new URLSearchParams({ service: filters.service });
  if (filters.operation !== undefined) params.set("operation", filters.operation);
  return withView("/traces", params, view);
}

/** The Breakers page filtered to a service (owner or target); it has the presets only, no custom range. */
export function breakersHref(service: string, view: LinkedView): string {
  return withView("/breakers", new URLSearchParams({ service }), view, false);
}
