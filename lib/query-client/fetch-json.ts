import type { z } from "zod";
import { problemSchema } from "./schemas";

/** A failed API call, with a message fit to show the user. */
export class ApiError extends Error {
  readonly code = "API_ERROR";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function readProblem(response: Response): Promise<ApiError> {
  const fallback = `${response.status} ${response.statusText || "error"}`.trim();
  try {
    const problem = problemSchema.safeParse(await response.json());
    if (problem.success) {
      const message = problem.data.detail ?? problem.data.title ?? fallback;
      return new ApiError(message, response.status, problem.data.requestId);
    }
  } catch {
    // Not JSON (a proxy's HTML error page, say): the status line is the best we have.
  }
  return new ApiError(`Request failed: ${fallback}`, response.status);
}

/** GETs a JSON API path and validates the body; throws ApiError with a readable message. */
export async function fetchJson<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: "application/json" }, signal, cache: "no-store" });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(`Cannot reach the Breakwater server (${(error as Error).message})`, undefined);
  }
  if (!response.ok) throw await readProblem(response);
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    throw new ApiError(`Unexpected response from ${path}${where}: ${issue?.message ?? "invalid"}`, response.status);
  }
  return parsed.data;
}
