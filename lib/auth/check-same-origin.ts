/**
 * CSRF defence for state-changing requests, on top of SameSite=Strict cookies: a browser
 * says where a request came from in Sec-Fetch-Site and Origin, and a page on another site
 * cannot forge either. Requests without them (curl, scripts) are judged by their session
 * alone, which such a client has to hold itself.
 */

const ALLOWED_FETCH_SITES = new Set(["same-origin", "none"]);

function firstValue(header: string | null): string | undefined {
  const value = header?.split(",")[0]?.trim();
  return value ? value : undefined;
}

/**
 * The origins this request may legitimately come from: the request URL's own, and the one
 * named by Host or by X-Forwarded-Host/-Proto (behind a proxy). A cross-site page cannot set
 * X-Forwarded-* on a browser request without a CORS preflight, which is never granted.
 */
export function requestOrigins(request: Request): Set<string> {
  const url = new URL(request.url);
  const proto = (firstValue(request.headers.get("x-forwarded-proto")) ?? url.protocol.replace(/:$/, "")).toLowerCase();
  const origins = new Set([url.origin]);
  const hosts = [firstValue(request.headers.get("x-forwarded-host")), firstValue(request.headers.get("host")), url.host];
  for (const host of hosts) {
    if (host === undefined) continue;
    try {
      origins.add(new URL(`${proto}://${host}`).origin);
    } catch {
      // A malformed Host names no origin; the request URL's own still counts.
    }
  }
  return origins;
}

/** Why the request looks cross-site, or undefined when it does not. */
export function findCrossSiteReason(request: Request): string | undefined {
  const fetchSite = request.headers.get("sec-fetch-site")?.trim().toLowerCase();
  if (fetchSite !== undefined && !ALLOWED_FETCH_SITES.has(fetchSite)) return `cross-site request (Sec-Fetch-Site: ${fetchSite})`;
  const origin = request.headers.get("origin")?.trim();
  if (origin === undefined) return undefined;
  if (origin === "null" || origin === "") return "cross-site request (Origin: null)";
  let normalized: string;
  try {
    normalized = new URL(origin).origin;
  } catch {
    return "cross-site request (malformed Origin)";
  }
  return requestOrigins(request).has(normalized) ? undefined : `cross-site request (Origin: ${origin.slice(0, 200)})`;
}
