import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { type FaultSpec, type FaultSpecInput, faultSpecSchema, INSTANCE_STATUSES } from "@/lib/control/contract";
import { ApiError, fetchJson } from "@/lib/query-client/fetch-json";
import { problemSchema } from "@/lib/query-client/schemas";

/**
 * Queries and mutations of the fault panel: the registered instances, each instance's current
 * fault spec (Breakwater forwards to the instance's /admin/faults), and who is signed in (the
 * panel is enabled for operators only; the API decides in the end).
 */

export const INSTANCES_API_PATH = "/api/v1/instances";
export const SESSION_API_PATH = "/api/v1/auth/session";
export const instanceFaultsPath = (instanceId: string) => `${INSTANCES_API_PATH}/${encodeURIComponent(instanceId)}/faults`;

/** GET /api/v1/instances, as far as the panel reads it. */
export const faultInstancesResponseSchema = z.object({
  instances: z.array(
    z.object({
      instanceId: z.string(),
      service: z.string(),
      version: z.string(),
      address: z.string(),
      status: z.enum(INSTANCE_STATUSES),
    }),
  ),
});
export type FaultInstance = z.infer<typeof faultInstancesResponseSchema>["instances"][number];

/** GET /api/v1/auth/session. */
export const sessionResponseSchema = z.object({
  user: z.object({ username: z.string(), role: z.enum(["operator", "viewer"]) }).nullable(),
  viewAccess: z.string(),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

export const faultQueryKeys = {
  all: ["faults"] as const,
  instances: () => [...faultQueryKeys.all, "instances"] as const,
  instance: (instanceId: string) => [...faultQueryKeys.all, "instance", instanceId] as const,
};

/** The session is the app's, not the panel's: one key for whoever reads it. */
export const sessionQueryKey = ["auth", "session"] as const;

export function faultInstancesQueryOptions() {
  return queryOptions({
    queryKey: faultQueryKeys.instances(),
    queryFn: ({ signal }) => fetchJson(INSTANCES_API_PATH, faultInstancesResponseSchema, signal),
  });
}

export function instanceFaultsQueryOptions(instanceId: string) {
  return queryOptions({
    queryKey: faultQueryKeys.instance(instanceId),
    queryFn: ({ signal }) => fetchJson(instanceFaultsPath(instanceId), faultSpecSchema, signal),
    // An instance that does not answer is a 502 after 3 s: say so at once rather than retry into 6 s.
    retry: false,
  });
}

export function sessionQueryOptions() {
  return queryOptions({
    queryKey: sessionQueryKey,
    queryFn: ({ signal }) => fetchJson(SESSION_API_PATH, sessionResponseSchema, signal),
  });
}

/**
 * PUT (set) or DELETE (clear) an instance's faults; resolves to the spec the instance now
 * runs with. Same-origin fetch, so the session cookie goes along and the browser sends the
 * Origin / Sec-Fetch-Site headers the server's CSRF check reads. Failures are ApiErrors with
 * the problem's detail and the status (401, 403, 502… — see describeFaultError).
 */
export async function sendFaults(instanceId: string, spec: FaultSpecInput | null): Promise<FaultSpec> {
  let response: Response;
  try {
    response = await fetch(instanceFaultsPath(instanceId), {
      method: spec === null ? "DELETE" : "PUT",
      headers:
        spec === null ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: spec === null ? undefined : JSON.stringify(spec),
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(`Cannot reach the Breakwater server (${(error as Error).message})`, undefined);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = problemSchema.safeParse(body);
    const detail = problem.success ? (problem.data.detail ?? problem.data.title) : undefined;
    throw new ApiError(detail ?? `Request failed: ${response.status} ${response.statusText}`.trim(), response.status);
  }
  const parsed = faultSpecSchema.safeParse(body);
  if (!parsed.success) throw new ApiError(`Unexpected response from ${instanceFaultsPath(instanceId)}`, response.status);
  return parsed.data;
}
