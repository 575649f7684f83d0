import Link from "next/link";
import type { RouteList } from "@/lib/traffic/contract";
import { SplitBar } from "./split-bar";

type ListedRoute = RouteList["routes"][number];

const STATUS_TEXT: Record<ListedRoute["status"]["state"], { text: string; className: string }> = {
  applied: { text: "applied", className: "bg-ok/10 text-ok" },
  pending: { text: "pending", className: "bg-accent/10 text-accent" },
  no_gateway: { text: "no gateway", className: "bg-warn/10 text-warn" },
};

/**
 * Every route as a card: its service, configured split, version and apply status. A card is a
 * link that puts the route in the URL (`?route=`), which opens its editor below.
 */
export function RouteCards({
  routes,
  selected,
  hrefFor,
}: {
  routes: RouteList["routes"];
  selected: string | null;
  hrefFor: (routeId: string) => string;
}) {
  return (
    <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3" aria-label="Routes">
      {routes.map((route) => {
        const isSelected = route.id === selected;
        const status = STATUS_TEXT[route.status.state];
        const versions = route.backends.map((b) => b.version);
        return (
          <li key={route.id}>
            <Link
              href={hrefFor(route.id)}
              scroll={false}
              aria-current={isSelected ? "true" : undefined}
              data-testid="route-card"
              data-route-id={route.id}
              className={`flex flex-col gap-2.5 rounded-lg border bg-panel px-4 py-3 hover:border-accent/60 ${
                isSelected ? "border-accent shadow-[inset_3px_0_0] shadow-accent" : "border-line"
              }`}
            >
              <span className="flex items-baseline justify-between gap-3">
                <span className="min-w-0">
                  <span className="block truncate text-sm font-semibold text-ink">{route.id}</span>
                  <span className="block truncate text-xs text-muted">
                    service {route.service} · version {route.version}
                  </span>
                </span>
                <span className={`shrink-0 rounded px-1.5 py-0.5 text-[11px] font-medium ${status.className}`}>
                  {status.text}
                </span>
              </span>
              <SplitBar segments={route.backends} versions={versions} label={`Configured split of ${route.id}`} size="sm" />
              <span className="text-xs text-ink-soft tabular-nums">
                {route.backends.map((b) => `${b.version} ${b.weight} %`).join(" · ")}
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
