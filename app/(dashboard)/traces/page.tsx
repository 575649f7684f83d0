import type { Metadata } from "next";
import { ComingSoon } from "@/components/ui/coming-soon";
import { TracesIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Traces" };

export default function TracesPage() {
  return (
    <>
      <PageHeader title="Traces" description="Find a request and see where its time went." />
      <ComingSoon
        icon={TracesIcon}
        summary="Search stored traces and open any one as a waterfall of its spans."
        dataSource="Reads the raw spans kept for the retention window (48 hours by default)."
        features={[
          {
            title: "Search",
            detail: "Filter by service, operation, duration, status and attributes such as the chosen backend or breaker state.",
          },
          { title: "Waterfall view", detail: "Every span of a trace on a time axis, with its attributes, events and links." },
          {
            title: "Errors first",
            detail: "Failed spans and their status messages highlighted, so the cause is one click away.",
          },
          { title: "Jaeger compatible", detail: "The same traces through a Jaeger-style API, for Grafana's Jaeger data source." },
        ]}
      />
    </>
  );
}
