import type { Metadata } from "next";
import { ComingSoon } from "@/components/ui/coming-soon";
import { TopologyIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Topology" };

export default function TopologyPage() {
  return (
    <>
      <PageHeader title="Topology" description="How your services call each other, and where it hurts." />
      <ComingSoon
        icon={TopologyIcon}
        summary="A live map of service-to-service calls, drawn from the traces you send."
        dataSource="Built from CLIENT→SERVER span pairs, rolled up per minute; no extra instrumentation needed."
        features={[
          { title: "Service graph", detail: "Every instrumented service as a node, each caller→callee pair as an edge." },
          {
            title: "Red metrics on edges",
            detail: "Request rate, error rate and p50/p95/p99 latency for every edge, over the selected window.",
          },
          {
            title: "Uninstrumented dependencies",
            detail: "Databases and external hosts seen only from client spans (db.system, server.address) as virtual nodes.",
          },
          {
            title: "Hot spots",
            detail: "Edges colored by error rate and latency so a failing dependency stands out at a glance.",
          },
        ]}
      />
    </>
  );
}
