import { createHash } from "node:crypto";
import type { DiscoveryInstance, DiscoveryRoute } from "./contract";

/**
 * JSON with object keys sorted at every level (arrays keep their order), so equal content
 * always serializes to the same text whatever order the keys were built in.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Instances by service then id, routes by id: the order discovery answers in, and hashes. */
export function sortDiscoveryContent(content: { routes: DiscoveryRoute[]; instances: DiscoveryInstance[] }): {
  routes: DiscoveryRoute[];
  instances: DiscoveryInstance[];
} {
  return {
    routes: [...content.routes].sort((a, b) => compare(a.id, b.id)),
    instances: [...content.instances].sort((a, b) => compare(a.service, b.service) || compare(a.instanceId, b.instanceId)),
  };
}

/**
 * The discovery `version`: the first 32 hex digits of the SHA-256 of the canonical JSON of
 * the sorted content. A content hash rather than a counter, so it is equal for equal content
 * across processes and restarts, and a client's `since` stays meaningful after either.
 */
export function computeDiscoveryVersion(content: { routes: DiscoveryRoute[]; instances: DiscoveryInstance[] }): string {
  const sorted = sortDiscoveryContent(content);
  return createHash("sha256")
    .update(canonicalJson({ routes: sorted.routes, instances: sorted.instances }))
    .digest("hex")
    .slice(0, 32);
}
