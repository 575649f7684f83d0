"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { isNavItemActive } from "@/lib/ui/nav";
import { REFRESH_PARAM } from "@/lib/ui/refresh-interval";
import { withSearchParam } from "@/lib/ui/search-params";
import { NAV_GROUPS } from "./nav-items";

/**
 * The sidebar's links. `search` is the query string carried from page to page — only the
 * refresh setting, so a paused dashboard stays paused as the user moves around.
 */
export function NavLinks({ search }: { search: string }) {
  const pathname = usePathname();
  return (
    <div className="flex flex-col gap-5">
      {NAV_GROUPS.map((group) => (
        <div key={group.label}>
          <p className="mb-1.5 hidden px-3 text-[11px] font-semibold tracking-wider text-faint uppercase wide:block">
            {group.label}
          </p>
          <ul className="flex flex-col gap-0.5">
            {group.items.map((item) => {
              const isActive = isNavItemActive(pathname, item.href);
              const Icon = item.icon;
              return (
                <li key={item.href}>
                  <Link
                    href={`${item.href}${search}`}
                    aria-current={isActive ? "page" : undefined}
                    title={item.label}
                    className={[
                      "group relative flex h-9 items-center justify-center gap-3 rounded-md px-3 text-sm transition-colors wide:justify-start",
                      isActive ? "bg-accent/10 font-medium text-ink" : "text-muted hover:bg-panel-raised hover:text-ink",
                    ].join(" ")}
                  >
                    <span
                      aria-hidden="true"
                      className={[
                        "absolute inset-y-1.5 left-0 w-0.5 rounded-full transition-colors",
                        isActive ? "bg-accent" : "bg-transparent",
                      ].join(" ")}
                    />
                    <Icon
                      className={`size-[18px] shrink-0 ${isActive ? "text-accent" : "text-faint group-hover:text-ink-soft"}`}
                    />
                    <span className="sr-only wide:not-sr-only">{item.label}</span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </div>
  );
}

/** NavLinks reading the refresh setting from the URL (needs a Suspense boundary when prerendered). */
export function NavLinksWithUrlState() {
  const refresh = useSearchParams().get(REFRESH_PARAM);
  return <NavLinks search={withSearchParam("", REFRESH_PARAM, refresh)} />;
}
