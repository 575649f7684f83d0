import type { Metadata, Viewport } from "next";
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

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh bg-canvas font-sans text-ink">
        <QueryProvider>{children}</QueryProvider>
      </body>
    </html>
  );
}
