import { z } from "zod";
import { faultSpecSchema, instanceIdSchema } from "@/lib/control/contract";
import { type FaultRequest, forwardFaults } from "@/lib/control/forward-faults";
import { parseBody } from "@/lib/control/parse-body";
import { readJsonBody } from "@/lib/control/read-json-body";
import { createRouteHandler } from "@/lib/http/route-handler";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const FAULT_SPEC_MAX_BYTES = 16 * 1024;
const params = z.object({ instanceId: instanceIdSchema });

// Fault injection changes how a live instance behaves, so it is an operator action. There is
// no operator session yet: the check that one is present comes with the traffic-control issue
// (with the dashboard's login); until then these endpoints are as open as the dashboard.

const forward = (method: "GET" | "DELETE") =>
  createRouteHandler({
    name: `${method} /api/v1/instances/[instanceId]/faults`,
    params,
    handle: async ({ params: { instanceId } }) =>
      Response.json(await forwardFaults(instanceId, { method } satisfies FaultRequest)),
  });

/** GET /api/v1/instances/{instanceId}/faults — the instance's current fault spec (forwarded to <address>/admin/faults). */
export const GET = forward("GET");

/** DELETE /api/v1/instances/{instanceId}/faults — resets the instance's faults; answers the new (empty) spec. */
export const DELETE = forward("DELETE");

/**
 * PUT /api/v1/instances/{instanceId}/faults — body faultSpecSchema, validated here (400 naming
 * the field) before it is forwarded. 404 unknown instance, 409 deregistered, 502 when the
 * instance does not answer within 3 s.
 */
export const PUT = createRouteHandler({
  name: "PUT /api/v1/instances/[instanceId]/faults",
  params,
  handle: async ({ request, params: { instanceId } }) => {
    const body = await readJsonBody(request, { limitBytes: FAULT_SPEC_MAX_BYTES, limitName: "16 KiB" });
    const spec = parseBody(faultSpecSchema, body);
    return Response.json(await forwardFaults(instanceId, { method: "PUT", spec }));
  },
});
