/**
 * What the fault panel says when the API refuses a change: a sign-in link for 401 (no or an
 * expired session), "operators only" for 403 (a viewer, or a cross-site request), "didn't
 * answer" for 502 (Breakwater forwards to the instance, which may be down or hanging its
 * admin port), and the server's own words otherwise (400 names the field, 404/409 the
 * instance).
 */
export type FaultErrorDisplay = {
  title: string;
  detail: string;
  /** Set for 401: where to sign in (and come back to `returnTo`). */
  signInHref?: string;
};

export function loginHref(returnTo: string): string {
  return `/login?next=${encodeURIComponent(returnTo)}`;
}

export function describeFaultError(
  error: { message: string; status?: number },
  instanceId: string,
  returnTo: string,
): FaultErrorDisplay {
  switch (error.status) {
    case 401:
      return {
        title: "Sign in to change faults",
        detail: "Your session is missing or expired.",
        signInHref: loginHref(returnTo),
      };
    case 403:
      return { title: "Operators only", detail: error.message };
    case 502:
      return { title: `${instanceId} didn't answer`, detail: error.message };
    case 404:
      return { title: `${instanceId} is not registered`, detail: error.message };
    case 409:
      return { title: `${instanceId} is deregistered`, detail: error.message };
    default:
      return { title: "Could not change the faults", detail: error.message };
  }
}
