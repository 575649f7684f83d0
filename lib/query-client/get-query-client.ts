import { defaultShouldDehydrateQuery, isServer, QueryClient } from "@tanstack/react-query";
import { cache } from "react";

/**
 * The app's one QueryClient configuration. In the browser there is exactly one client for
 * the page's lifetime; on the server each request gets its own (React's `cache` scopes it to
 * the request), so one user's data never leaks into another's render.
 */

/** Hydrated data younger than this is not refetched on mount (avoids a double fetch). */
const HYDRATION_STALE_TIME_MS = 1_000;

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: HYDRATION_STALE_TIME_MS,
        // In the browser one retry smooths over a blip (more would hide an outage behind a
        // spinner); a server prefetch never retries: the client takes over on failure.
        retry: isServer ? 0 : 1,
      },
      dehydrate: {
        // Also hand over queries still in flight, so streamed prefetches reach the client.
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
    },
  });
}

const getRequestQueryClient = cache(makeQueryClient);

let browserQueryClient: QueryClient | undefined;

export function getQueryClient(): QueryClient {
  if (isServer) return getRequestQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}
