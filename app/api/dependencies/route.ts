import { z } from "zod";
import { createRouteHandler } from "@/lib/http/route-handler";
import { jaegerErrorResponder, jaegerResponse } from "@/lib/jaeger/envelope";
import { getDependencies } from "@/lib/queries/get-dependencies";
import { requireViewer } from "@/lib/auth/guard";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Jaeger's default dependency window: one day. */
const DEFAULT_LOOKBACK_MS = 24 * 3_600_000;

const firstValue = (value: unknown) => (Array.isArray(value) ? value[0] : value === "" ? undefined : value);
const millis = (message: string) =>
  z.preprocess(
    firstValue,
    z
      .string()
      .regex(/^\d{1,15}$/, message)
      .transform(Number)
      .optional(),
  );

/**
 * Jaeger API: GET /api/dependencies?endTs=<ms>&lookback=<ms>[&service=] →
 * [{parent, child, callCount}]. Computed from raw parent/child span pairs for now (see
 * lib/queries/get-dependencies); per-minute edge rollups will replace that.
 */
export const GET = createRouteHandler({
  name: "GET /api/dependencies",
  query: z.object({
    endTs: millis("expected milliseconds since the epoch"),
    lookback: millis("expected a number of milliseconds").refine((value) => value === undefined || value > 0, "must be positive"),
    service: z.preprocess(firstValue, z.string().optional()),
  }),
  respondError: jaegerErrorResponder,
  handle: async ({ request, query }) => {
    await requireViewer(request);
    const endMs = query.endTs ?? Date.now();
    const lookbackMs = query.lookback ?? DEFAULT_LOOKBACK_MS;
    const links = await getDependencies({ endMs, lookbackMs, service: query.service });
    return jaegerResponse(links, { total: 0 });
  },
});
