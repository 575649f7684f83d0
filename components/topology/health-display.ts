import type { Health } from "@/lib/ui/health";

/**
 * How each health state looks, in one exhaustive table (a new state fails to compile here
 * until it has colours). Colour is never the only cue: nodes write the state and the error
 * rate, edges their numbers.
 */
export type HealthDisplay = {
  /** Stroke / border colour (hex: used in SVG and in exported images). */
  color: string;
  /** Text colour class for labels. */
  textClass: string;
  /** Badge surface. */
  badgeClass: string;
};

export const HEALTH_DISPLAY: Record<Health, HealthDisplay> = {
  no_traffic: { color: "#5f6d7b", textClass: "text-muted", badgeClass: "border-line-strong bg-panel-raised" },
  healthy: { color: "#34d399", textClass: "text-ok", badgeClass: "border-ok/30 bg-ok/10" },
  degraded: { color: "#fbbf24", textClass: "text-warn", badgeClass: "border-warn/40 bg-warn/10" },
  failing: { color: "#f87171", textClass: "text-bad", badgeClass: "border-bad/50 bg-bad/15" },
};

/** Edges without traffic are drawn fainter than a node's neutral border. */
export const IDLE_EDGE_COLOR = "#3b4a5a";
/** An edge with a breaker refusing calls: brighter than "failing", so it cannot be missed. */
export const OPEN_BREAKER_COLOR = "#ef4444";
export const HALF_OPEN_BREAKER_COLOR = "#f59e0b";
