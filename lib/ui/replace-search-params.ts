import { withSearchParam } from "./search-params";

/**
 * Changes one URL parameter in place (no navigation, no history entry). Next.js picks up
 * history.replaceState, so useSearchParams() readers re-render with the new value.
 */
export function replaceSearchParams(changes: Record<string, string | null>): void {
  let search = window.location.search;
  for (const [key, value] of Object.entries(changes)) search = withSearchParam(search, key, value);
  window.history.replaceState(null, "", `${window.location.pathname}${search}${window.location.hash}`);
}
