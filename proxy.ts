import { type NextRequest, NextResponse } from "next/server";
import { buildContentSecurityPolicy } from "@/lib/http/build-content-security-policy";
import { createCspNonce } from "@/lib/http/create-csp-nonce";

/**
 * A Content-Security-Policy with a fresh nonce for every page response. Next.js reads the
 * nonce from the request's CSP header while rendering and puts it on its scripts, which is
 * why every page renders per request (app/layout.tsx). Headers only: authentication is never
 * decided here but inside each handler (CVE-2025-29927: proxy can be skipped).
 */
export function proxy(request: NextRequest) {
  const nonce = createCspNonce();
  // NODE_ENV is the one variable read outside lib/env.ts: Next.js inlines it.
  const policy = buildContentSecurityPolicy({ nonce, isDev: process.env.NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  // The path for the dashboard layout's sign-in redirect (/login?next=…); layouts are not told it.
  requestHeaders.set("x-breakwater-path", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Every page, including prefetches (a browser prefetch may later be shown as the document).
  // Not: API routes (next.config.ts gives them a policy for non-documents), build assets and icons.
  matcher: ["/((?!api/|_next/static/|_next/image|favicon.ico|icon.svg).*)"],
};
