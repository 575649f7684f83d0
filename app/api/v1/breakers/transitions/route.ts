import { z } from "zod";
import { instanceIdSchema, serviceNameSchema } from "@/lib/control/contract";
import { DEFAULT_TRANSITIONS_LIMIT, listBreakerTransitions } from "@/lib/control/list-breaker-transitions";
import { ValidationError } from "@/lib/http/errors";
import { createRouteHandler } from "@/lib/http/route-handler";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const HOUR_MS = 3_600_000;
/** Longer windows belong to an export, not a timeline; it also bounds the scan. */
const MAX_WINDOW_MS = 7 * 24 * HOUR_MS;
const MAX_LIMIT = 10_000;

const isoTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 timestamp, e.g. 2026-11-21T10:00:00Z" });

/**
 * GET /api/v1/breakers/transitions[?from=&to=&service=&owner=&target=&limit=] — breaker
 * transitions with from ≤ at ≤ to (default: the last hour), most recent first, plus the
 * state each current breaker was in at `from` (`priorStates`), for timelines. `service`
 * matches the owner's or the target's service; `owner` and `target` are instance ids.
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/breakers/transitions",
  query: z.object({
    from: isoTime.optional(),
    to: isoTime.optional(),
    service: serviceNameSchema.optional(),
    owner: instanceIdSchema.optional(),
    target: instanceIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_TRANSITIONS_LIMIT),
  }),
  handle: async ({ request, query }) => {
    await requireViewer(request);
    const to = query.to === undefined ? new Date() : new Date(query.to);
    const from = query.from === undefined ? new Date(to.getTime() - HOUR_MS) : new Date(query.from);
    if (from.getTime() > to.getTime()) throw new ValidationError("'from' must not be after 'to'", { param: "from" });
    if (to.getTime() - from.getTime() > MAX_WINDOW_MS) {
      throw new ValidationError("the window from 'from' to 'to' must be at most 7 days", { param: "from" });
    }
    const result = await listBreakerTransitions({
      from,
      to,
      service: query.service,
      ownerInstanceId: query.owner,
      targetInstanceId: query.target,
      limit: query.limit,
    });
    return Response.json(result);
  },
});
