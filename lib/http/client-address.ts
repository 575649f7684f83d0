/**
 * The client's address for audit rows: the first X-Forwarded-For entry (Next.js sets the
 * header to the socket's address when no proxy did), else X-Real-IP, else "unknown".
 * A client can forge it (Next.js keeps an X-Forwarded-For the client sent), so it is for audit
 * rows and the per-address sign-in throttle only, which also caps failures per name.
 */
export function clientAddress(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip")?.trim() || "unknown";
}
