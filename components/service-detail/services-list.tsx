"use client";

import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import type { ServiceDirectoryEntry } from "@/lib/query-client/schemas";
import { formatCount } from "@/lib/ui/format-number";

/** Every service by name, each a link to its page; names are plain text. Heartbeat-only services have no span yet. */
export function ServicesList({
  services,
  nowMs,
  serviceHref,
}: {
  services: readonly ServiceDirectoryEntry[];
  nowMs: number;
  serviceHref: (name: string) => string;
}) {
  return (
    <table className="w-full text-sm" data-testid="services-list">
      <thead className="border-b border-line text-xs tracking-wide text-faint uppercase">
        <tr>
          <th scope="col" className="h-9 px-4 text-left font-medium">
            Service
          </th>
          <th scope="col" className="w-40 px-4 text-right font-medium">
            Last span
          </th>
          <th scope="col" className="w-40 px-4 text-right font-medium">
            Spans received
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-line">
        {services.map((service) => (
          <tr key={service.name} className="hover:bg-panel-raised/50">
            <td className="max-w-0 px-4 py-2.5">
              <Link href={serviceHref(service.name)} className="block truncate rounded font-medium text-ink hover:text-accent">
                {service.name}
              </Link>
            </td>
            <td className="px-4 py-2.5 text-right text-ink-soft">
              {service.lastSeen === null ? (
                <span
                  className="text-faint"
                  title={`No spans yet; ${formatCount(service.instanceCount)} instances send heartbeats`}
                >
                  heartbeats only
                </span>
              ) : (
                <RelativeTime iso={service.lastSeen} nowMs={nowMs} />
              )}
            </td>
            <td className="px-4 py-2.5 text-right text-ink-soft tabular-nums">{formatCount(service.spanCount)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ServicesListSkeleton() {
  return (
    <div role="status" aria-label="Loading services" className="rounded-lg border border-line bg-panel">
      {[0, 1, 2, 3].map((row) => (
        <div key={row} className="flex items-center gap-6 border-b border-line/70 px-4 py-4 last:border-b-0">
          <Skeleton className="h-3 w-56" />
          <Skeleton className="ml-auto h-3 w-20" />
          <Skeleton className="h-3 w-20" />
        </div>
      ))}
    </div>
  );
}
