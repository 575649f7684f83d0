/**
 * Response headers every Breakwater response carries (pages, API, static assets, the OTLP
 * receivers), and the policy for responses that are never rendered as a document. The page
 * policy, which needs a per-request nonce, is built by build-content-security-policy.ts.
 * next.config.ts applies these to everything Next.js answers; lib/server/main.ts to what the
 * custom server answers itself (OTLP/HTTP on both ports, its own 404 and 500).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // Browsers must trust Content-Type: no sniffing JSON or protobuf into HTML or script.
  "X-Content-Type-Options": "nosniff",
  // Cross-origin requests see the origin only; URLs carry service names and trace ids.
  "Referrer-Policy": "strict-origin-when-cross-origin",
  // CSP frame-ancestors 'none' says the same to current browsers; this is for old ones.
  "X-Frame-Options": "DENY",
  // No feature the dashboard uses; clipboard access (copy buttons) is left at its default.
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
  // No cross-origin window may keep a handle on ours (window.opener).
  "Cross-Origin-Opener-Policy": "same-origin",
};

/** CSP for JSON, protobuf and text answers: nothing in them may load or run, and no page may frame them. */
export const NON_DOCUMENT_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";
