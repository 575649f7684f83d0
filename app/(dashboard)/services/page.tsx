import type { Metadata } from "next";
import { ComingSoon } from "@/components/ui/coming-soon";
import { ServicesIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Services" };

export default function ServicesPage() {
  return (
    <>
      <PageHeader title="Services" description="Health, latency and instances of each service." />
      <ComingSoon
        icon={ServicesIcon}
        summary="A page per service: how much traffic it serves, how often it fails and how fast it answers."
        dataSource="Built from the per-minute service rollups written alongside every span batch, plus instance heartbeats."
        features={[
          {
            title: "RED charts",
            detail: "Requests per second, error rate and p50/p95/p99 latency over time, with a selectable window.",
          },
          { title: "Operations", detail: "Each endpoint or span name with its own call count, errors and latency." },
          { title: "Instances", detail: "Registered instances with version, address, health and time of the last heartbeat." },
          { title: "Dependencies", detail: "Upstream callers and downstream callees with the health of each edge." },
        ]}
      />
    </>
  );
}
