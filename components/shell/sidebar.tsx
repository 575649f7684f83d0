import { Suspense } from "react";
import { NavLinks, NavLinksWithUrlState } from "./nav-links";

export function Sidebar() {
  return (
    <nav
      aria-label="Main"
      className="sticky top-12 flex h-[calc(100dvh-3rem)] w-14 shrink-0 flex-col border-r border-line bg-rail px-2 py-4 wide:w-56 wide:px-3"
    >
      <Suspense fallback={<NavLinks search="" />}>
        <NavLinksWithUrlState />
      </Suspense>
      <div className="mt-auto hidden px-3 text-[11px] leading-relaxed text-faint wide:block">
        <p>OpenTelemetry traces in PostgreSQL.</p>
      </div>
    </nav>
  );
}
