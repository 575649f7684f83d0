"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useId, useRef, useState } from "react";
import { loginPath } from "@/lib/auth/safe-next-path";
import { ApiError } from "@/lib/query-client/fetch-json";
import { type AuthSession, authSessionQueryOptions } from "@/lib/query-client/auth-session-query";

const ROLE_BADGE: Record<"operator" | "viewer", string> = {
  operator: "border-accent/40 bg-accent/10 text-accent",
  viewer: "border-line-strong bg-panel-raised text-muted",
};

async function signOut(): Promise<void> {
  const response = await fetch("/api/v1/auth/logout", { method: "POST", headers: { accept: "application/json" } });
  if (!response.ok) throw new ApiError(`Sign-out failed (${response.status})`, response.status);
}

/** "Sign in" for anonymous viewers (back to this page afterwards); the user's name, role and sign-out otherwise. */
export function UserMenu({ initialSession }: { initialSession: AuthSession }) {
  const session = useQuery({ ...authSessionQueryOptions(), initialData: initialSession });
  const user = session.data.user;
  if (user === null) {
    return (
      <Suspense fallback={<SignInLinkFallback />}>
        <SignInLink />
      </Suspense>
    );
  }
  return <SignedInMenu username={user.username} role={user.role} />;
}

function SignInLink() {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  return (
    <Link
      href={loginPath(`${pathname}${search ? `?${search}` : ""}`)}
      className="rounded-md border border-line bg-panel px-2.5 py-1.5 text-xs font-medium text-ink-soft hover:bg-panel-raised hover:text-ink"
    >
      Sign in
    </Link>
  );
}

/** Shown while the sign-in link's search params resolve. */
function SignInLinkFallback() {
  return (
    <Link
      href="/login"
      className="rounded-md border border-line bg-panel px-2.5 py-1.5 text-xs font-medium text-ink-soft hover:bg-panel-raised hover:text-ink"
    >
      Sign in
    </Link>
  );
}

function SignedInMenu({ username, role }: { username: string; role: "operator" | "viewer" }) {
  const [isOpen, setIsOpen] = useState(false);
  const menuId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const signOutMutation = useMutation({
    mutationFn: signOut,
    // A full navigation on purpose, so the server layout runs again and no signed-in page or
    // cached query stays in memory (a client-side push would keep both).
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    onSuccess: () => window.location.assign("/login"),
  });

  useEffect(() => {
    if (!isOpen) return;
    function handlePointerDown(event: PointerEvent) {
      if (!rootRef.current?.contains(event.target as Node)) setIsOpen(false);
    }
    function handleKeyDown(event: KeyboardEvent) {
      if (event.key !== "Escape") return;
      setIsOpen(false);
      buttonRef.current?.focus();
    }
    document.addEventListener("pointerdown", handlePointerDown);
    document.addEventListener("keydown", handleKeyDown);
    return () => {
      document.removeEventListener("pointerdown", handlePointerDown);
      document.removeEventListener("keydown", handleKeyDown);
    };
  }, [isOpen]);

  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={isOpen}
        aria-controls={menuId}
        onClick={() => setIsOpen((open) => !open)}
        className="flex items-center gap-2 rounded-md border border-line bg-panel py-1 pr-2 pl-1 text-xs hover:bg-panel-raised"
      >
        <span
          aria-hidden="true"
          className="flex size-5 items-center justify-center rounded bg-panel-raised text-[10px] font-semibold text-ink-soft uppercase"
        >
          {username.slice(0, 1)}
        </span>
        <span className="max-w-40 truncate font-medium text-ink" data-testid="user-menu-name">
          {username}
        </span>
        <span className={`rounded border px-1.5 py-px text-[10px] font-semibold tracking-wide uppercase ${ROLE_BADGE[role]}`}>
          {role}
        </span>
        <span className="sr-only">, account menu</span>
      </button>
      {isOpen && (
        <div
          id={menuId}
          className="absolute right-0 mt-1.5 w-60 rounded-lg border border-line-strong bg-panel p-1 text-sm shadow-xl shadow-black/40"
        >
          <p className="px-3 py-2 text-xs text-muted">
            Signed in as <span className="font-medium text-ink">{username}</span>
            <br />
            {role === "operator" ? "Operator: can change weights and inject faults" : "Viewer: read-only"}
          </p>
          <div className="my-1 border-t border-line" />
          <button
            type="button"
            onClick={() => signOutMutation.mutate()}
            disabled={signOutMutation.isPending}
            className="w-full rounded-md px-3 py-2 text-left text-ink-soft hover:bg-panel-raised hover:text-ink disabled:opacity-60"
          >
            {signOutMutation.isPending ? "Signing out…" : "Sign out"}
          </button>
          {signOutMutation.isError && (
            <p role="alert" className="px-3 pb-2 text-xs text-bad">
              {signOutMutation.error.message}. Try again.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
