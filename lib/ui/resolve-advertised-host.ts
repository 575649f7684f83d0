const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * The host name to put in exporter instructions: the one the browser used to reach us
 * (from the Host header, without its port) — that is the name most likely reachable from
 * the user's services — else the bind address, unless that is a wildcard.
 */
export function resolveAdvertisedHost(hostHeader: string | null | undefined, bindHost: string): string {
  if (hostHeader) {
    try {
      const { hostname } = new URL(`http://${hostHeader}`);
      if (hostname && !WILDCARD_HOSTS.has(hostname)) return hostname;
    } catch {
      // A malformed Host header falls through to the configured bind address.
    }
  }
  if (WILDCARD_HOSTS.has(bindHost)) return "localhost";
  return bindHost.includes(":") && !bindHost.startsWith("[") ? `[${bindHost}]` : bindHost;
}
