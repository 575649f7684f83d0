import { z } from "zod";
import { requireViewer } from "@/lib/auth/guard";
import { serviceNameSchema } from "@/lib/control/contract";
import { declareRoute } from "@/lib/control/declare-route";
import { describeToken, requireMachineToken } from "@/lib/control/machine-auth";
import { parseBody } from "@/lib/control/parse-body";
import { readJsonBody } from "@/lib/control/read-json-body";
import { routeDeclarationRulesSchema } from "@/lib/control/route-weights";
import { clientAddress } from "@/lib/http/client-address";
import { createRouteHandler } from "@/lib/http/route-handler";
import type { RouteList } from "@/lib/traffic/contract";
import { listTrafficRoutes } from "@/lib/traffic/list-traffic-routes";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const ROUTE_DECLARATION_MAX_BYTES = 64 * 1024;

/**
 * GET /api/v1/routes[?service=] — every route with its backends, version, apply status and the
 * gateways that reported it (routeListSchema). Readable by viewers, and by gateways with their
 * machine token.
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/routes",
  query: z.object({ service: serviceNameSchema.optional() }),
  handle: async ({ request, query }) => {
    await requireViewer(request, { allowMachineToken: true });
    return Response.json((await listTrafficRoutes({ service: query.service })) satisfies RouteList);
  },
});

/**
 * POST /api/v1/routes — a gateway declares a route (routeDeclarationSchema; weights integers
 * summing to 100, at least one above zero, each version once). 201 { created: true, route }
 * when it was created, 200 { created: false, route } with the existing route unchanged; 400
 * naming the field; 401 without a valid machine token when tokens are configured; 415 unless
 * the body is application/json.
 */
export const POST = createRouteHandler({
  name: "POST /api/v1/routes",
  handle: async ({ request }) => {
    requireMachineToken(request);
    const body = await readJsonBody(request, { limitBytes: ROUTE_DECLARATION_MAX_BYTES, limitName: "64 KiB" });
    const declaration = parseBody(routeDeclarationRulesSchema, body);
    const actor = `gateway:${declaration.instanceId ?? describeToken(request) ?? "anonymous"}`;
    const result = await declareRoute(declaration, { actor, source: clientAddress(request) });
    return Response.json(result, { status: result.created ? 201 : 200 });
  },
});
