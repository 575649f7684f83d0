import type { SessionResponse } from "@/lib/auth/contract";
import { findSession } from "@/lib/auth/find-session";
import { readSessionToken } from "@/lib/auth/session-cookie";
import { getEnv } from "@/lib/env";
import { createRouteHandler } from "@/lib/http/route-handler";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/v1/auth/session — who is signed in ({user: {username, role} | null}) and whether
 * viewing needs a session (viewAccess). Open to everyone, read-only.
 */
export const GET = createRouteHandler({
  name: "GET /api/v1/auth/session",
  handle: async ({ request }) => {
    const token = readSessionToken(request);
    const session = token === undefined ? undefined : await findSession(token);
    const answer: SessionResponse = {
      user: session === undefined ? null : { username: session.username, role: session.role },
      viewAccess: getEnv().BREAKWATER_VIEW_ACCESS,
      ...(session === undefined ? {} : { expiresAt: session.expiresAt.toISOString() }),
    };
    return Response.json(answer);
  },
});
