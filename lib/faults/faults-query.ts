import { queryOptions } from "@tanstack/react-query";
import { z } from "zod";
import { type FaultSpec, type FaultSpecInput, faultSpecSchema, INSTANCE_STATUSES } from "@/lib/control/contract";
import { ApiError, fetchJson } from "@/lib/query-client/fetch-json";
import { problemSchema } from "@/lib/query-client/schemas";

/**
 * Queries and mutations of the fault panel: the registered instances, each instance's current
 * fault spec (Breakwater forwards to the instance's /admin/faults). Who is signed in comes from
 * the app's one session query, authSessionQueryOptions (lib/query-client/auth-session-query).
 */

export const INSTANCES_API_PATH = "/api/v1/instances";
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

export const faultQueryKeys = {
  all: ["faults"] as const,
  instances: () => [...faultQueryKeys.all, "instances"] as const,
  instance: (instanceId: string) => [...faultQueryKeys.all, "instance", instanceId] as const,
};

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
