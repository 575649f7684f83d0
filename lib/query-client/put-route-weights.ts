import { z } from "zod";
import {
  type Route,
  routeSchema,
  type UpdateRouteWeights,
  type UpdateRouteWeightsResponse,
  updateRouteWeightsResponseSchema,
} from "@/lib/traffic/contract";
import { routeApiPath } from "./traffic-query";

/**
 * PUT /api/v1/routes/{id}/weights from the Traffic page (same origin: the browser sends the
 * session cookie and its own Origin / Sec-Fetch-Site, which the server's CSRF check wants).
 * Each refusal the page treats differently comes back as its own outcome instead of an
 * exception, so the form can keep the user's edit and say what to do.
 */
export type PutWeightsOutcome =
  | { kind: "saved"; result: UpdateRouteWeightsResponse }
  /** 409: someone saved first; `current` is the route as it is now. */
  | { kind: "conflict"; message: string; current: Route | null }
  /** 400: the field at fault (`backends.1.weight`) when the server named one. */
  | { kind: "invalid"; message: string; param: string | null }
  | { kind: "unauthorized"; message: string }
  | { kind: "forbidden"; message: string }
  | { kind: "failed"; message: string };

const problemBodySchema = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  param: z.string().optional(),
  current: z.unknown().optional(),
});

export async function putRouteWeights(id: string, body: UpdateRouteWeights): Promise<PutWeightsOutcome> {
  let response: Response;
  try {
    response = await fetch(`${routeApiPath(id)}/weights`, {
      method: "PUT",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (error) {
    return { kind: "failed", message: `Cannot reach the Breakwater server (${(error as Error).message})` };
  }
  const json: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = updateRouteWeightsResponseSchema.safeParse(json);
    return parsed.success
      ? { kind: "saved", result: parsed.data }
      : { kind: "failed", message: `Saved, but the answer was unexpected: ${parsed.error.issues[0]?.message ?? "invalid"}` };
  }
  const problem = problemBodySchema.safeParse(json);
  const message = (problem.success ? (problem.data.detail ?? problem.data.title) : undefined) ?? `${response.status} error`;
  switch (response.status) {
    case 409: {
      const current = routeSchema.safeParse(problem.success ? problem.data.current : undefined);
      return { kind: "conflict", message, current: current.success ? current.data : null };
    }
    case 400:
      return { kind: "invalid", message, param: (problem.success ? problem.data.param : undefined) ?? null };
    case 401:
      return { kind: "unauthorized", message };
    case 403:
      return { kind: "forbidden", message };
    default:
      return { kind: "failed", message };
  }
}
