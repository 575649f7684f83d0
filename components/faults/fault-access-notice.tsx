"use client";

import Link from "next/link";
import { loginHref } from "@/lib/faults/describe-fault-error";
import type { AuthSession } from "@/lib/query-client/auth-session-query";

/**
 * Who may change faults, above the controls: operators may; viewers and signed-out visitors
 * see the controls disabled and why. The API checks again on every change (this is only the
 * explanation, never the guard).
 */
export function FaultAccessNotice({
  session,
  returnTo,
}: {
  session: { data: AuthSession | undefined; isPending: boolean; error: Error | null; refetch: () => void };
  returnTo: string;
}) {
  const base = "flex flex-wrap items-center gap-x-2 gap-y-1 border-b px-4 py-2 text-sm";
  // Running text (no flex: its words and inline elements would become separate flex items).
  const text = "border-b px-4 py-2 text-sm";
  if (session.isPending) {
    return (
      <p className={`${base} border-line text-muted`} role="status" data-testid="fault-access" data-access="pending">
        Checking your sign-in…
      </p>
    );
  }
  if (session.data === undefined) {
    return (
      <div
        className={`${base} border-warn/20 bg-warn/5 text-ink-soft`}
        role="alert"
        data-testid="fault-access"
        data-access="unknown"
      >
        <span>
          <span className="font-medium text-ink">Could not check your sign-in,</span> so the controls are disabled.{" "}
          {session.error?.message}
        </span>
        <button
          type="button"
          onClick={session.refetch}
          className="rounded px-2 py-0.5 font-medium text-accent hover:bg-accent/10"
        >
          Retry
        </button>
      </div>
    );
  }
  const user = session.data.user;
  if (user === null) {
    return (
      <p className={`${base} border-line text-ink-soft`} data-testid="fault-access" data-access="signed-out">
        <span>
          <span className="font-medium text-ink">Signed out.</span> Injecting faults needs an operator session; the controls are
          disabled until you sign in.
        </span>
        <Link href={loginHref(returnTo)} className="font-medium text-accent hover:underline">
          Sign in →
        </Link>
      </p>
    );
  }
  if (user.role !== "operator") {
    return (
      <p className={`${text} border-line text-ink-soft`} data-testid="fault-access" data-access="viewer">
        <span className="font-medium text-ink">Operators only.</span> You are signed in as {user.username} (viewer): you can see
        each instance&apos;s faults but not change them.
      </p>
    );
  }
  return (
    <p className={`${text} border-line text-muted`} data-testid="fault-access" data-access="operator">
      Signed in as <span className="font-medium text-ink">{user.username}</span> (operator). &ldquo;Apply faults&rdquo; takes
      effect at once on the instance&apos;s business endpoints, without a confirmation; &ldquo;Clear faults&rdquo; undoes it.
    </p>
  );
}
