import { requireOperator } from "@/lib/auth/guard";
import { readJsonBody } from "@/lib/control/read-json-body";
import { createRouteHandler } from "@/lib/http/route-handler";
import type { UpdateRouteWeightsResponse } from "@/lib/traffic/contract";
import { parseUpdateRouteWeights } from "@/lib/traffic/parse-update-route-weights";
import { routeIdParamsSchema } from "@/lib/traffic/route-id-param";
import { updateRouteWeights } from "@/lib/traffic/update-route-weights";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const WEIGHTS_MAX_BYTES = 64 * 1024;

/**
 * PUT /api/v1/routes/{id}/weights — an operator changes a route's weights
 * (updateRouteWeightsSchema: the route version edited, backends, optional reason / revertOf).
 * 200 { route, change }; 400 naming the field (`param`), nothing stored; 401 without a
 * session, 403 for a viewer or a cross-site request (checked before the body is read); 404
 * for an unknown route; 409 when the version is stale, with the current route as `current`;
 * 415 unless the body is application/json.
 */
export const PUT = createRouteHandler({
  name: "PUT /api/v1/routes/[id]/weights",
  params: routeIdParamsSchema,
  handle: async ({ request, params }) => {
    const actor = await requireOperator(request);
    const body = await readJsonBody(request, { limitBytes: WEIGHTS_MAX_BYTES, limitName: "64 KiB" });
    const update = parseUpdateRouteWeights(body);
    const result = await updateRouteWeights(params.id, update, { actor: `user:${actor.username}`, source: actor.source });
    return Response.json(result satisfies UpdateRouteWeightsResponse);
  },
});
