import { Suspense } from "react";
import { NavLinks, NavLinksWithUrlState } from "./nav-links";

export function Sidebar() {
  return (
    // The outer column stretches with the page (border and background to the bottom); the
    // nav inside stays in view while the content scrolls.
    <div className="w-14 shrink-0 border-r border-line bg-rail wide:w-56">
      <nav aria-label="Main" className="sticky top-12 flex h-[calc(100dvh-3rem)] flex-col px-2 py-4 wide:px-3">
        <Suspense fallback={<NavLinks search="" />}>
          <NavLinksWithUrlState />
        </Suspense>
        <p className="mt-auto hidden px-3 text-[11px] leading-relaxed text-faint wide:block">
          OpenTelemetry traces in PostgreSQL.
        </p>
      </nav>
    </div>
  );
}
