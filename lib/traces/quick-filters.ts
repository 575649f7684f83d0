import { RESILIENCE_ATTRIBUTES } from "@/lib/control/contract";

/**
 * One-click searches on the resilience attributes the gateway records on its spans
 * (lib/control/contract RESILIENCE_ATTRIBUTES), written in the attribute-filter syntax.
 */
export const QUICK_FILTERS = [
  { id: "retried", label: "Retried", filter: `${RESILIENCE_ATTRIBUTES.retryAttempt}>0` },
  { id: "short-circuited", label: "Short-circuited", filter: `${RESILIENCE_ATTRIBUTES.shortCircuited}=true` },
  { id: "rate-limited", label: "Rate-limited", filter: `${RESILIENCE_ATTRIBUTES.rateLimited}=true` },
  { id: "fallback", label: "Fallback", filter: `${RESILIENCE_ATTRIBUTES.fallback}=true` },
  { id: "timeout", label: "Timed out", filter: `${RESILIENCE_ATTRIBUTES.timeout}=true` },
] as const;

/** The filter text for "the balancer chose this backend version". */
export function versionFilter(version: string): string {
  return `${RESILIENCE_ATTRIBUTES.backendVersion}=${version.replaceAll("\\", "\\\\").replaceAll("|", "\\|")}`;
}

export const VERSION_FILTER_PREFIX = `${RESILIENCE_ATTRIBUTES.backendVersion}=`;
