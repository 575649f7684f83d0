import { requireMachineToken } from "@/lib/control/machine-auth";
import { getEnv, type UserRole } from "@/lib/env";
import { clientAddress } from "@/lib/http/client-address";
import { ForbiddenError, UnauthorizedError } from "@/lib/http/errors";
import { findCrossSiteReason } from "./check-same-origin";
import { findSession } from "./find-session";
import { recordAuthEvent } from "./record-auth-event";
import { readSessionToken } from "./session-cookie";

/**
 * Authorization for route handlers, checked inside the handler against the sessions table —
 * never from a header a proxy or middleware might have set (CVE-2025-29927: Next.js trusted
 * `x-middleware-subrequest` to skip middleware). Bearer tokens (ingest / gateway machine
 * tokens) never make an operator, and a session never stands in for a machine token.
 */

/** A signed-in dashboard user making a request. */
export type Actor = {
  kind: "user";
  username: string;
  role: UserRole;
  /** Client address (lib/http/client-address), for audit rows. */
  source: string;
};

/** Who may read: a user, a machine holding a token (where allowed), or anyone while viewing is open. */
export type Viewer = Actor | { kind: "machine"; source: string } | { kind: "anonymous"; source: string };

/** The WWW-Authenticate challenge of a 401 for want of a session: sign in at /login for a cookie. */
export const SESSION_CHALLENGE = 'Session realm="breakwater", login="/login"';

/** The signed-in user of a request, or undefined (no cookie, unknown or expired session). Read-only. */
export async function getRequestActor(request: Request): Promise<Actor | undefined> {
  const token = readSessionToken(request);
  if (token === undefined) return undefined;
  const session = await findSession(token);
  if (session === undefined) return undefined;
  return { kind: "user", username: session.username, role: session.role, source: clientAddress(request) };
}

async function refuse(request: Request, error: ForbiddenError | UnauthorizedError, actor?: Actor): Promise<never> {
  await recordAuthEvent(request, {
    kind: "denied",
    status: error.status,
    reason: error.message,
    username: actor?.username,
    role: actor?.role,
  });
  throw error;
}

/**
 * Refuses cross-site state-changing requests (403, see check-same-origin). Used on its own by
 * the sign-in endpoint, which has no session yet; requireOperator includes it.
 */
export async function requireSameOrigin(request: Request): Promise<void> {
  const reason = findCrossSiteReason(request);
  if (reason !== undefined) await refuse(request, new ForbiddenError(`${reason} refused`));
}

/**
 * For state-changing requests: same-origin (else 403), a live session (else 401 with
 * WWW-Authenticate) and the operator role (else 403). Every refusal writes an auth_events row.
 */
export async function requireOperator(request: Request): Promise<Actor> {
  await requireSameOrigin(request);
  const actor = await getRequestActor(request);
  if (actor === undefined) {
    const reason = readSessionToken(request) === undefined ? "no session" : "session expired or unknown";
    return refuse(request, new UnauthorizedError(`sign in as an operator (${reason})`, SESSION_CHALLENGE));
  }
  if (actor.role !== "operator") {
    return refuse(request, new ForbiddenError(`"${actor.username}" is a ${actor.role}; this needs an operator`), actor);
  }
  return actor;
}

/**
 * For reads. With BREAKWATER_VIEW_ACCESS=open (the default) anyone may read and nothing is
 * looked up. With signed-in, a session of any role is needed, or — where `allowMachineToken`
 * (discovery, the gateway's GET /api/v1/routes) — a machine token as those endpoints take
 * it: a valid one of BREAKWATER_INGEST_TOKENS, or none when no tokens are configured.
 * Refused reads are not audited, so a GET never writes.
 */
export async function requireViewer(request: Request, options: { allowMachineToken?: boolean } = {}): Promise<Viewer> {
  const source = clientAddress(request);
  if (getEnv().BREAKWATER_VIEW_ACCESS === "open") return { kind: "anonymous", source };
  const actor = await getRequestActor(request);
  if (actor !== undefined) return actor;
  if (options.allowMachineToken) {
    const hasBearer = request.headers.get("authorization") !== null;
    try {
      requireMachineToken(request);
      return { kind: "machine", source };
    } catch (error) {
      // A wrong token gets the token's own challenge; without one, the session challenge.
      if (hasBearer) throw error;
    }
  }
  throw new UnauthorizedError("sign in to view (BREAKWATER_VIEW_ACCESS=signed-in)", SESSION_CHALLENGE);
}
