import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="flex min-h-dvh flex-col items-center justify-center gap-3 px-6 text-center">
      <p className="text-sm font-semibold text-accent">404</p>
      <h1 className="text-xl font-semibold text-ink">This page does not exist</h1>
      <p className="text-sm text-muted">Check the address, or go back to the overview.</p>
      <Link
        href="/"
        className="mt-2 rounded-md border border-line-strong bg-panel-raised px-3 py-1.5 text-sm font-medium text-ink hover:border-accent/60"
      >
        Go to the overview
      </Link>
    </main>
  );
}
