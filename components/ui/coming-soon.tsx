import type { ComponentType } from "react";
import type { IconProps } from "./icons";

export type ComingSoonProps = {
  icon: ComponentType<IconProps>;
  /** One sentence: what question this page will answer. */
  summary: string;
  features: { title: string; detail: string }[];
  /** Which data it will be built from, so users know what to send. */
  dataSource: string;
};

/** The placeholder for a page that is planned but not built yet: says what it will show. */
export function ComingSoon({ icon: Icon, summary, features, dataSource }: ComingSoonProps) {
  return (
    <section aria-labelledby="coming-soon-title" className="overflow-hidden rounded-lg border border-line bg-panel">
      <div className="relative border-b border-line px-6 py-8 wide:px-8">
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-0 bg-[radial-gradient(ellipse_at_top_right,rgba(56,189,248,0.10),transparent_60%)]"
        />
        <div className="relative flex items-start gap-4">
          <span className="flex size-11 shrink-0 items-center justify-center rounded-lg border border-accent/25 bg-accent/10 text-accent">
            <Icon className="size-5" />
          </span>
          <div className="min-w-0">
            <p className="inline-flex items-center rounded-full border border-accent/30 bg-accent/10 px-2 py-0.5 text-[11px] font-semibold tracking-wide text-accent uppercase">
              Coming soon
            </p>
            <h2 id="coming-soon-title" className="mt-2 text-base font-semibold text-ink">
              {summary}
            </h2>
            <p className="mt-1 text-sm text-muted">{dataSource}</p>
          </div>
        </div>
      </div>
      <div className="px-6 py-6 wide:px-8">
        <h3 className="text-xs font-semibold tracking-wider text-faint uppercase">What this page will show</h3>
        <ul className="mt-3 grid gap-3 lg:grid-cols-2">
          {features.map((feature) => (
            <li key={feature.title} className="rounded-md border border-line bg-canvas/40 px-4 py-3">
              <p className="text-sm font-medium text-ink">{feature.title}</p>
              <p className="mt-0.5 text-sm text-muted">{feature.detail}</p>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
