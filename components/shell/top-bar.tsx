import Link from "next/link";
import { Suspense } from "react";
import { LogoMark } from "@/components/ui/icons";
import type { AuthSession } from "@/lib/query-client/auth-session-query";
import { DEFAULT_REFRESH_INTERVAL_MS } from "@/lib/ui/refresh-interval";
import { RefreshControl, RefreshControlView } from "./refresh-control";
import { UserMenu } from "./user-menu";

/** `session`: who is signed in, as the dashboard layout found it on the server. */
export function TopBar({ session }: { session: AuthSession }) {
  return (
    <header className="sticky top-0 z-20 flex h-12 items-center gap-4 border-b border-line bg-rail/95 px-3 backdrop-blur wide:px-4">
      <Link href="/" className="flex items-center gap-2.5 rounded-md pr-2 text-ink">
        <LogoMark className="size-7" />
        <span className="text-[15px] font-semibold tracking-tight">Breakwater</span>
      </Link>
      <div className="ml-auto flex items-center gap-3">
        <Suspense fallback={<RefreshControlView interval={DEFAULT_REFRESH_INTERVAL_MS} isInteractive={false} />}>
          <RefreshControl />
        </Suspense>
        <UserMenu initialSession={session} />
      </div>
    </header>
  );
}
