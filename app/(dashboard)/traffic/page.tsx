import type { Metadata } from "next";
import { ComingSoon } from "@/components/ui/coming-soon";
import { TrafficIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Traffic" };

export default function TrafficPage() {
  return (
    <>
      <PageHeader title="Traffic" description="Where requests go, and shifting them between versions." />
      <ComingSoon
        icon={TrafficIcon}
        summary="Route weights per backend version, and the split that actually happened."
        dataSource="Weights are versioned in Breakwater's control plane; the observed split comes from the gateway's spans."
        features={[
          {
            title: "Configured vs observed",
            detail: "The weight you set for each version next to the share of requests it really received.",
          },
          {
            title: "Shift traffic",
            detail: "Change weights for a canary or a rollback; the gateway applies them within seconds.",
          },
          {
            title: "Applied version",
            detail: "Which configuration version each gateway instance runs, so a stale one is obvious.",
          },
          { title: "Audit log", detail: "Every change with its author, time and the weights before and after." },
        ]}
      />
    </>
  );
}
