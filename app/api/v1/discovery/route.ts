import { z } from "zod";
import { DISCOVERY_MAX_WAIT_MS, type DiscoveryResponse, serviceNameSchema } from "@/lib/control/contract";
import { requireMachineToken } from "@/lib/control/machine-auth";
import { pollDiscovery } from "@/lib/control/poll-discovery";
import { createRouteHandler } from "@/lib/http/route-handler";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const MAX_SERVICES = 50;
const DEFAULT_WAIT_MS = 25_000;

const querySchema = z.object({
  // Repeatable: one value arrives as a string, several as an array.
  service: z.preprocess(
    (value) => (typeof value === "string" ? [value] : value),
    z.array(serviceNameSchema).min(1).max(MAX_SERVICES, `at most ${MAX_SERVICES} services per request`),
  ),
  since: z.string().min(1).max(128).optional(),
  waitMs: z.coerce.number().int().min(0).max(DISCOVERY_MAX_WAIT_MS).default(DEFAULT_WAIT_MS),
});

/** `"abc"` or `W/"abc"` → abc. */
function parseEtag(header: string | null): string | undefined {
  const match = header === null ? null : /^\s*(?:W\/)?"([^"]*)"\s*$/.exec(header);
  return match?.[1] || undefined;
}

/**
 * GET /api/v1/discovery?service=a&service=b&since=<version>&waitMs=<ms> — healthy and degraded
 * instances of the services and the routes serving them (DiscoveryResponse, ETag = version).
 * When `since` (or If-None-Match) equals the current version, the request is held until
 * something changes (200) or waitMs passes (304, no body). 401 without a valid machine token
 * when tokens are configured.
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/discovery",
  query: querySchema,
  handle: async ({ request, query }) => {
    requireMachineToken(request);
    const result = await pollDiscovery({
      services: query.service,
      since: query.since ?? parseEtag(request.headers.get("if-none-match")),
      waitMs: query.waitMs,
      signal: request.signal,
    });
    if (!result.changed) return new Response(null, { status: 304, headers: { etag: `"${result.version}"` } });
    return Response.json(result.discovery satisfies DiscoveryResponse, { headers: { etag: `"${result.discovery.version}"` } });
  },
});
