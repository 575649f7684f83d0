import Link from "next/link";
import { ServicesIcon } from "@/components/ui/icons";
import { Panel } from "@/components/ui/panel";

/** The name in the URL matches nothing Breakwater has: no spans, rollups, instances or callers. */
export function UnknownService({ name, servicesHref }: { name: string; servicesHref: string }) {
  return (
    <Panel>
      <div className="flex flex-col items-center gap-3 px-6 py-14 text-center" data-testid="unknown-service">
        <span className="flex size-10 items-center justify-center rounded-full bg-panel-raised text-muted">
          <ServicesIcon className="size-5" />
        </span>
        <div>
          <h2 className="text-sm font-semibold text-ink">No service called “{name}”</h2>
          <p className="mt-1 max-w-xl text-sm text-muted">
            Breakwater has no spans, rollups or registered instances under this name, and no service called it in this time range.
            Check the spelling, or pick a service from the list.
          </p>
        </div>
        <Link
          href={servicesHref}
          className="mt-1 rounded-md border border-line-strong bg-panel-raised px-3 py-1.5 text-sm font-medium text-ink hover:border-accent/60"
        >
          All services
        </Link>
      </div>
    </Panel>
  );
}
