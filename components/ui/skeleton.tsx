/** A shimmering placeholder block; hidden from assistive tech (the container says "Loading"). */
export function Skeleton({ className = "" }: { className?: string }) {
  return <span aria-hidden="true" className={`block animate-pulse rounded bg-panel-raised ${className}`} />;
}
