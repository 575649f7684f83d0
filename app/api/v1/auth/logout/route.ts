import type { SessionResponse } from "@/lib/auth/contract";
import { deleteSession } from "@/lib/auth/delete-session";
import { requireSameOrigin } from "@/lib/auth/guard";
import { recordAuthEvent } from "@/lib/auth/record-auth-event";
import { clearedSessionCookieHeader, readSessionToken } from "@/lib/auth/session-cookie";
import { getEnv } from "@/lib/env";
import { createRouteHandler } from "@/lib/http/route-handler";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * POST /api/v1/auth/logout — ends the session (its row is deleted) and clears the cookie.
 * 200 also without a session, so signing out twice is harmless; 403 cross-site.
 */
export const POST = createRouteHandler({
  name: "POST /api/v1/auth/logout",
  handle: async ({ request }) => {
    await requireSameOrigin(request);
    const token = readSessionToken(request);
    const username = token === undefined ? undefined : await deleteSession(token);
    if (username !== undefined) await recordAuthEvent(request, { kind: "logout", status: 200, reason: "signed out", username });
    const answer: SessionResponse = { user: null, viewAccess: getEnv().BREAKWATER_VIEW_ACCESS };
    return Response.json(answer, { headers: { "set-cookie": clearedSessionCookieHeader(request) } });
  },
});
