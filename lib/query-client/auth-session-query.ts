import { queryOptions } from "@tanstack/react-query";
import { type SessionResponse, sessionResponseSchema } from "@/lib/auth/contract";
import { fetchJson } from "./fetch-json";

/** GET /api/v1/auth/session as the client reads it: who is signed in (null: nobody), and whether viewing is open. */
export type AuthSession = Pick<SessionResponse, "user" | "viewAccess">;

export const authSessionQueryKey = () => ["auth", "session"] as const;

/** The app's one session query: the user menu, the Traffic page and the fault panel share it. */
export function authSessionQueryOptions() {
  return queryOptions({
    queryKey: authSessionQueryKey(),
    queryFn: ({ signal }): Promise<AuthSession> => fetchJson("/api/v1/auth/session", sessionResponseSchema, signal),
    staleTime: 30_000,
  });
}
