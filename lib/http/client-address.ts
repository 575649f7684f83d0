/**
 * The client's address for audit rows: the first X-Forwarded-For entry (Next.js sets the
 * header to the socket's address when no proxy did), else X-Real-IP, else "unknown".
 * Informational only: a client can forge it, so nothing is allowed or refused by it.
 */
export function clientAddress(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip")?.trim() || "unknown";
}
