import { authenticateUser } from "@/lib/auth/authenticate-user";
import { loginRequestSchema, type SessionResponse } from "@/lib/auth/contract";
import { createSession } from "@/lib/auth/create-session";
import { requireSameOrigin, SESSION_CHALLENGE } from "@/lib/auth/guard";
import { getLoginThrottle } from "@/lib/auth/login-throttle";
import { recordAuthEvent } from "@/lib/auth/record-auth-event";
import { sessionCookieHeader } from "@/lib/auth/session-cookie";
import { parseBody } from "@/lib/control/parse-body";
import { readJsonBody } from "@/lib/control/read-json-body";
import { getEnv } from "@/lib/env";
import { clientAddress } from "@/lib/http/client-address";
import { TooManyRequestsError, UnauthorizedError } from "@/lib/http/errors";
import { createRouteHandler } from "@/lib/http/route-handler";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const LOGIN_MAX_BYTES = 4 * 1024;

/**
 * POST /api/v1/auth/login — JSON {username, password}. 200 with the session (cookie bw_session
 * set); 401 for a wrong name or password (one message for both); 429 + Retry-After after 5
 * failures in a minute for that name from that address; 403 cross-site. Failures are audited.
 */
export const POST = createRouteHandler({
  name: "POST /api/v1/auth/login",
  handle: async ({ request }) => {
    await requireSameOrigin(request);
    const body = await readJsonBody(request, { limitBytes: LOGIN_MAX_BYTES, limitName: "4 KiB" });
    const { username, password } = parseBody(loginRequestSchema, body);
    const address = clientAddress(request);
    const throttle = getLoginThrottle();

    const retryAfterS = throttle.retryAfterS(username, address);
    if (retryAfterS > 0) {
      const reason = "too many failed sign-ins; try again shortly";
      await recordAuthEvent(request, { kind: "login_failed", status: 429, reason, username });
      throw new TooManyRequestsError(reason, retryAfterS);
    }
    // Counted from here, so concurrent attempts cannot all pass the check above.
    const end = throttle.begin(username, address);
    let user: Awaited<ReturnType<typeof authenticateUser>>;
    try {
      user = await authenticateUser(username, password);
      if (user === undefined) throttle.recordFailure(username, address);
    } finally {
      end();
    }
    if (user === undefined) {
      const reason = "wrong user name or password";
      await recordAuthEvent(request, { kind: "login_failed", status: 401, reason, username });
      throw new UnauthorizedError(reason, SESSION_CHALLENGE);
    }
    throttle.reset(username, address);

    const env = getEnv();
    const ttlMs = env.BREAKWATER_SESSION_TTL;
    const session = await createSession({ ...user, ttlMs, source: address, userAgent: request.headers.get("user-agent") });
    await recordAuthEvent(request, { kind: "login", status: 200, reason: "signed in", ...user });
    const answer: SessionResponse = {
      user,
      viewAccess: env.BREAKWATER_VIEW_ACCESS,
      expiresAt: session.expiresAt.toISOString(),
    };
    return Response.json(answer, { headers: { "set-cookie": sessionCookieHeader(request, session.token, ttlMs) } });
  },
});
