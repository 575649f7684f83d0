import type { Health } from "@/lib/ui/health";

/**
 * The text colour of an error rate in a table (Overview, a service's edges), by the one health
 * rule (lib/ui/health): amber from 0.1 %, red from 10 %. A healthy rate stays plain text, not
 * green: a column of green zeros would shout louder than the one amber cell.
 */
export const ERROR_RATE_TEXT_CLASS: Record<Health, string> = {
  no_traffic: "text-ink-soft",
  healthy: "text-ink-soft",
  degraded: "text-warn",
  failing: "font-semibold text-bad",
};
