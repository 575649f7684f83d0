/**
 * Where to go after signing in: a path on this site only ("/traffic?range=15m"), never an
 * absolute or protocol-relative URL that would make /login an open redirect. Anything else,
 * and /login itself, becomes "/".
 */
export function safeNextPath(next: string | string[] | null | undefined): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (typeof value !== "string" || value.length > 2048) return "/";
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  // Control characters (tabs, newlines) are dropped by URL parsers and could turn "/\t/host" into "//host".
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return "/";
  const url = new URL(value, "http://breakwater.invalid");
  // Dot segments collapse while parsing: "/.//evil.example" has the pathname "//evil.example",
  // which a browser would follow to another host.
  if (url.origin !== "http://breakwater.invalid" || url.pathname.startsWith("//") || url.pathname === "/login") return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in page for coming back to `path` afterwards. */
export function loginPath(path: string): string {
  const next = safeNextPath(path);
  return next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`;
}
