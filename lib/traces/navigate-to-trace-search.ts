"use client";

import { serializeTraceSearch, TRACE_SEARCH_PARAMS, type TraceSearch } from "./trace-search-params";

/**
 * Writes a search into the URL, keeping the other parameters (refresh, sort). A new search is
 * a history entry (Back returns to the previous one); Next.js picks up pushState, so
 * useSearchParams() readers re-render.
 */
export function navigateToTraceSearch(search: TraceSearch): void {
  const params = new URLSearchParams(window.location.search);
  for (const name of TRACE_SEARCH_PARAMS) params.delete(name);
  for (const [name, value] of serializeTraceSearch(search)) params.append(name, value);
  const text = params.toString();
  window.history.pushState(null, "", `${window.location.pathname}${text ? `?${text}` : ""}`);
}
