import "server-only";
import { randomUUID } from "node:crypto";
import { toProblem } from "./problem";

type JsonHandler<T> = (request: Request, context: { requestId: string }) => Promise<T>;

/**
 * The one wrapper for Breakwater's JSON API (/api/v1/*): tags a request id (kept from an
 * incoming x-request-id), serializes the handler's result, and turns any thrown error into
 * application/problem+json in one place.
 */
export function jsonRoute<T>(name: string, handler: JsonHandler<T>): (request: Request) => Promise<Response> {
  return async (request) => {
    const requestId = request.headers.get("x-request-id") || randomUUID();
    try {
      const body = await handler(request, { requestId });
      return Response.json(body, { headers: { "x-request-id": requestId, "cache-control": "no-store" } });
    } catch (error) {
      const problem = toProblem(error, requestId);
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`[api] ${name} failed request=${requestId} status=${problem.status}: ${reason}`);
      return Response.json(
        { type: "about:blank", ...problem, requestId },
        { status: problem.status, headers: { "content-type": "application/problem+json", "x-request-id": requestId, "cache-control": "no-store" } },
      );
    }
  };
}
