import type { ReactNode } from "react";
import { Sidebar } from "@/components/shell/sidebar";
import { TopBar } from "@/components/shell/top-bar";
import { requirePageViewer } from "@/lib/auth/require-page-viewer";
import { getEnv } from "@/lib/env";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // The session is checked here, on the server, against the database (not in proxy.ts, which
  // a request can bypass), and again by every page (requirePageViewer says why) and read API.
  const user = await requirePageViewer();
  const viewAccess = getEnv().BREAKWATER_VIEW_ACCESS;
  return (
    <>
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-accent px-3 py-2 text-sm font-semibold text-accent-ink focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:px-3 focus:py-2 focus:shadow-lg"
      >
        Skip to content
      </a>
      <TopBar session={{ user: user === undefined ? null : { username: user.username, role: user.role }, viewAccess }} />
      <div className="flex">
        <Sidebar />
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 outline-none wide:px-8 wide:py-7">
          <div className="mx-auto max-w-[1400px]">{children}</div>
        </main>
      </div>
    </>
  );
}
