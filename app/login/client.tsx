"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useRef, useState } from "react";
import { AlertIcon, LogoMark } from "@/components/ui/icons";
import { type LoginRequest, loginRequestSchema, sessionResponseSchema, type SessionUserDto } from "@/lib/auth/contract";
import { ApiError } from "@/lib/query-client/fetch-json";
import { problemSchema } from "@/lib/query-client/schemas";

/** What the user should read when sign-in fails. */
function describeLoginError(error: Error): string {
  if (!(error instanceof ApiError)) return error.message;
  if (error.status === undefined) return error.message;
  if (error.status === 401) return "Wrong user name or password.";
  return error.message;
}

async function postLogin(credentials: LoginRequest): Promise<void> {
  let response: Response;
  try {
    response = await fetch("/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(credentials),
    });
  } catch (error) {
    throw new ApiError(`Cannot reach the Breakwater server (${(error as Error).message}).`, undefined);
  }
  if (response.ok) {
    sessionResponseSchema.parse(await response.json());
    return;
  }
  if (response.status === 429) {
    const seconds = Number(response.headers.get("retry-after")) || 60;
    throw new ApiError(`Too many failed attempts. Try again in ${seconds} s.`, 429);
  }
  const problem = problemSchema.safeParse(await response.json().catch(() => undefined));
  const detail = problem.success ? (problem.data.detail ?? problem.data.title) : undefined;
  throw new ApiError(detail ?? `Sign-in failed (${response.status}).`, response.status);
}

export function LoginClient({ next, currentUser }: { next: string; currentUser: SessionUserDto | null }) {
  const [fieldError, setFieldError] = useState<{ field: keyof LoginRequest; message: string } | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const login = useMutation({
    mutationFn: postLogin,
    // A full navigation: the dashboard layout checks the new session on the server.
    onSuccess: () => window.location.assign(next),
    onError: () => {
      passwordRef.current?.select();
      passwordRef.current?.focus();
    },
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = loginRequestSchema.safeParse({ username: form.get("username"), password: form.get("password") });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path[0] === "password" ? "password" : "username";
      setFieldError({ field, message: issue.message });
      (field === "password" ? passwordRef : usernameRef).current?.focus();
      return;
    }
    setFieldError(null);
    login.mutate(parsed.data);
  }

  const isBusy = login.isPending || login.isSuccess;
  const inputClass =
    "mt-1.5 w-full rounded-md border border-line-strong bg-canvas px-3 py-2 text-sm text-ink placeholder:text-faint focus:border-accent/70 aria-[invalid=true]:border-bad/70";

  return (
    <div className="w-full max-w-sm">
      <div className="mb-6 flex flex-col items-center gap-3 text-center">
        <LogoMark className="size-10" />
        <h1 className="text-xl font-semibold tracking-tight text-ink">Sign in to Breakwater</h1>
        {next !== "/" && <p className="text-sm text-muted">You will return to {next.split("?")[0]}.</p>}
      </div>
      {currentUser !== null && (
        <p className="mb-4 rounded-md border border-line bg-panel px-3 py-2 text-sm text-muted">
          Already signed in as <span className="font-medium text-ink">{currentUser.username}</span> ({currentUser.role}).{" "}
          <Link href={next} className="font-medium text-accent hover:underline">
            Continue
          </Link>
          , or sign in as someone else.
        </p>
      )}
      <form
        noValidate
        onSubmit={handleSubmit}
        className="rounded-lg border border-line bg-panel p-5"
        aria-describedby="login-error"
      >
        {login.isError && (
          <div
            id="login-error"
            role="alert"
            className="mb-4 flex items-start gap-2 rounded-md border border-bad/40 bg-bad/10 px-3 py-2 text-sm text-ink"
          >
            <AlertIcon className="mt-0.5 size-4 shrink-0 text-bad" />
            <span>{describeLoginError(login.error)}</span>
          </div>
        )}
        <label htmlFor="login-username" className="block text-sm font-medium text-ink-soft">
          User name
        </label>
        <input
          ref={usernameRef}
          id="login-username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          autoFocus
          required
          aria-invalid={fieldError?.field === "username"}
          aria-describedby={fieldError?.field === "username" ? "login-username-error" : undefined}
          className={inputClass}
        />
        {fieldError?.field === "username" && (
          <p id="login-username-error" className="mt-1 text-xs text-bad">
            {fieldError.message}
          </p>
        )}
        <label htmlFor="login-password" className="mt-4 block text-sm font-medium text-ink-soft">
          Password
        </label>
        <input
          ref={passwordRef}
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={fieldError?.field === "password"}
          aria-describedby={fieldError?.field === "password" ? "login-password-error" : undefined}
          className={inputClass}
        />
        {fieldError?.field === "password" && (
          <p id="login-password-error" className="mt-1 text-xs text-bad">
            {fieldError.message}
          </p>
        )}
        <button
          type="submit"
          disabled={isBusy}
          className="mt-5 w-full rounded-md bg-accent px-3 py-2 text-sm font-semibold text-accent-ink hover:bg-accent-strong disabled:opacity-60"
        >
          {isBusy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="mt-4 text-center text-xs leading-relaxed text-faint">
        Accounts come from BREAKWATER_USERS. Without an operator there, Breakwater prints a generated <code>admin</code> password
        once, on its first start.
      </p>
    </div>
  );
}
