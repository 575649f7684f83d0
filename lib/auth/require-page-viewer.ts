import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getEnv } from "@/lib/env";
import { getPageUser } from "./get-page-user";
import type { SessionUser } from "./find-session";
import { loginPath } from "./safe-next-path";

/**
 * For dashboard pages and their layout: with BREAKWATER_VIEW_ACCESS=signed-in and no live
 * session, redirects to /login?next=<page>; else the signed-in user (or undefined while viewing
 * is open). Every page calls it, not only the layout: a client-side navigation's RSC request
 * renders just the pages below a layout the browser says it already has, so a request that
 * claims the layout (Next-Router-State-Tree) got a page's server-prefetched data without a
 * session. One session lookup per request (getPageUser is cached).
 */
export async function requirePageViewer(): Promise<SessionUser | undefined> {
  const user = await getPageUser();
  if (getEnv().BREAKWATER_VIEW_ACCESS === "signed-in" && user === undefined) {
    // proxy.ts passes the requested path along; layouts and pages are not told it otherwise.
    redirect(loginPath((await headers()).get("x-breakwater-path") ?? "/"));
  }
  return user;
}
