import { z } from "zod";
import { type Actor, requireOperator, requireViewer } from "@/lib/auth/guard";
import { faultSpecSchema, instanceIdSchema } from "@/lib/control/contract";
import { type FaultRequest, forwardFaults } from "@/lib/control/forward-faults";
import { parseBody } from "@/lib/control/parse-body";
import { readJsonBody } from "@/lib/control/read-json-body";
import { getEnv } from "@/lib/env";
import { createRouteHandler } from "@/lib/http/route-handler";
import { createLogger } from "@/lib/server/logger";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const FAULT_SPEC_MAX_BYTES = 16 * 1024;
const params = z.object({ instanceId: instanceIdSchema });

// Fault injection changes how a live instance behaves, so changing it is an operator action
// (requireOperator: same-origin, a session checked here, the operator role). There is no
// table of fault changes; each one is logged with who made it and from where.
function logFaultChange(actor: Actor, instanceId: string, change: string): void {
  createLogger({ level: getEnv().LOG_LEVEL, name: "audit" }).info("fault injection changed", {
    instanceId,
    change,
    actor: `user:${actor.username}`,
    source: actor.source,
  });
}

/** GET /api/v1/instances/{instanceId}/faults — the instance's current fault spec (forwarded to <address>/admin/faults). */
export const GET = createRouteHandler({
  name: "GET /api/v1/instances/[instanceId]/faults",
  params,
  handle: async ({ request, params: { instanceId } }) => {
    await requireViewer(request);
    return Response.json(await forwardFaults(instanceId, { method: "GET" } satisfies FaultRequest));
  },
});

/** DELETE /api/v1/instances/{instanceId}/faults — resets the instance's faults (operator); answers the new (empty) spec. */
export const DELETE = createRouteHandler({
  name: "DELETE /api/v1/instances/[instanceId]/faults",
  params,
  handle: async ({ request, params: { instanceId } }) => {
    const actor = await requireOperator(request);
    const spec = await forwardFaults(instanceId, { method: "DELETE" });
    logFaultChange(actor, instanceId, "reset");
    return Response.json(spec);
  },
});

/**
 * PUT /api/v1/instances/{instanceId}/faults — operator only (401 without a session, 403 for a
 * viewer or a cross-site request). Body faultSpecSchema, validated here (400 naming the field)
 * before it is forwarded. 404 unknown instance, 409 deregistered, 502 when the instance does
 * not answer within 3 s.
 */
export const PUT = createRouteHandler({
  name: "PUT /api/v1/instances/[instanceId]/faults",
  params,
  handle: async ({ request, params: { instanceId } }) => {
    const actor = await requireOperator(request);
    const body = await readJsonBody(request, { limitBytes: FAULT_SPEC_MAX_BYTES, limitName: "16 KiB" });
    const spec = parseBody(faultSpecSchema, body);
    const applied = await forwardFaults(instanceId, { method: "PUT", spec });
    logFaultChange(actor, instanceId, JSON.stringify(spec));
    return Response.json(applied);
  },
});
