export type ContentSecurityPolicyOptions = {
  /** The request's nonce (base64, from createCspNonce). */
  nonce: string;
  /** Next.js dev mode: React uses eval() there to rebuild server error stacks in the browser. */
  isDev: boolean;
};

// A nonce is base64 (or base64url); anything else could end the directive and add another.
const NONCE_PATTERN = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;

/**
 * The Content-Security-Policy of a page. Next.js reads the nonce back from this header on the
 * request and puts it on its own scripts; 'strict-dynamic' lets those load the chunks they need.
 */
export function buildContentSecurityPolicy({ nonce, isDev }: ContentSecurityPolicyOptions): string {
  if (!NONCE_PATTERN.test(nonce)) throw new Error("CSP nonce must be at least 16 base64 characters");
  const directives: Array<[string, ...string[]]> = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(isDev ? ["'unsafe-eval'"] : [])],
    // 'unsafe-inline' for styles: React style attributes, and recharts and React Flow set
    // element styles; a nonce covers <style> elements only, never style attributes (and a
    // nonce in style-src would switch 'unsafe-inline' off). Scripts stay nonce-only.
    ["style-src", "'self'", "'unsafe-inline'"],
    // data: and blob: for the topology export (html-to-image renders through data: URLs).
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'", "data:"],
    // 'self' also covers the dev server's same-origin HMR websocket.
    ["connect-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
    // No upgrade-insecure-requests: Breakwater is often served over plain HTTP inside a network.
  ];
  return directives.map((directive) => directive.join(" ")).join("; ");
}
