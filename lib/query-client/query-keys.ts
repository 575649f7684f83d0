/**
 * Query-key factory: every key the app uses is built here, so prefetches, hooks and
 * invalidations cannot drift apart. Hierarchical, so `queryKeys.services.all` matches every
 * services query.
 */
export const queryKeys = {
  services: {
    all: ["services"] as const,
    list: () => [...queryKeys.services.all, "list"] as const,
    directory: () => [...queryKeys.services.all, "directory"] as const,
  },
  serverInfo: () => ["server-info"] as const,
};
