import { HEARTBEAT_MAX_BYTES } from "@/lib/control/contract";
import { requireMachineToken } from "@/lib/control/machine-auth";
import { parseBody } from "@/lib/control/parse-body";
import { readJsonBody } from "@/lib/control/read-json-body";
import { heartbeatRequestSchema, recordHeartbeat } from "@/lib/control/record-heartbeat";
import { createRouteHandler } from "@/lib/http/route-handler";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * POST /api/v1/heartbeats — an instance reports its health, breakers, load-balancer counts and
 * applied config (heartbeatSchema). 200 { accepted, status, reason? }; 400 problem+json naming
 * the field (nothing stored); 401 without a valid machine token when tokens are configured;
 * 415 unless the body is application/json.
 */
export const POST = createRouteHandler({
  name: "POST /api/v1/heartbeats",
  handle: async ({ request }) => {
    requireMachineToken(request);
    const body = await readJsonBody(request, { limitBytes: HEARTBEAT_MAX_BYTES, limitName: "HEARTBEAT_MAX_BYTES" });
    const heartbeat = parseBody(heartbeatRequestSchema, body);
    return Response.json(await recordHeartbeat(heartbeat));
  },
});
