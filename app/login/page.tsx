import type { Metadata } from "next";
import { getPageUser } from "@/lib/auth/get-page-user";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { LoginClient } from "./client";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const next = safeNextPath((await searchParams).next);
  const user = await getPageUser();
  return (
    <main id="main" className="flex min-h-dvh items-center justify-center px-6 py-10">
      <LoginClient next={next} currentUser={user === undefined ? null : { username: user.username, role: user.role }} />
    </main>
  );
}
