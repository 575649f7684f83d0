import type { Metadata } from "next";
import { ComingSoon } from "@/components/ui/coming-soon";
import { BreakersIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Breakers" };

export default function BreakersPage() {
  return (
    <>
      <PageHeader title="Breakers" description="Circuit breakers between your services and what tripped them." />
      <ComingSoon
        icon={BreakersIcon}
        summary="The state of every circuit breaker, and the history of each transition."
        dataSource="Reported by gateways and services in their heartbeats, and recorded on spans as breaker attributes."
        features={[
          { title: "Current state", detail: "Closed, open, half-open, forced open or disabled, for each caller→upstream pair." },
          {
            title: "Why it opened",
            detail: "Failure and slow-call rates against their thresholds at the moment of each transition.",
          },
          {
            title: "Timeline",
            detail: "Transitions over time next to the upstream's error rate, to see whether the breaker helped.",
          },
          { title: "Short-circuited calls", detail: "How many requests were rejected while open, and the traces that show it." },
        ]}
      />
    </>
  );
}
