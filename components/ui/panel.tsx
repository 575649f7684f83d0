import type { ReactNode } from "react";

/** The standard bordered surface that holds a table, chart or state message. */
export function Panel({
  children,
  className = "",
  labelledBy,
}: {
  children: ReactNode;
  className?: string;
  labelledBy?: string;
}) {
  return (
    <section aria-labelledby={labelledBy} className={`rounded-lg border border-line bg-panel ${className}`}>
      {children}
    </section>
  );
}

export function PanelHeader({ id, title, children }: { id?: string; title: string; children?: ReactNode }) {
  return (
    <div className="flex min-h-12 flex-wrap items-center justify-between gap-x-4 gap-y-2 border-b border-line px-4 py-2.5">
      <h2 id={id} className="text-sm font-semibold text-ink">
        {title}
      </h2>
      {children}
    </div>
  );
}
