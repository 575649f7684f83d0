import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { QueryProvider } from "@/lib/query-client/query-provider";
import "./globals.css";

export const metadata: Metadata = {
  title: { template: "%s · Breakwater", default: "Breakwater" },
  description: "Observability and resilience dashboard: OpenTelemetry traces, live topology, breakers and traffic control.",
};

export const viewport: Viewport = {
  colorScheme: "dark",
  themeColor: "#0b0f14",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, never at build time: Next.js puts the request's CSP
  // nonce (proxy.ts) on the scripts it writes, and a prerendered page would have none.
  // There is no inline script of our own; one would need the nonce from headers().get("x-nonce").
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh bg-canvas font-sans text-ink">
        <QueryProvider>{children}</QueryProvider>
      </body>
    </html>
  );
}
