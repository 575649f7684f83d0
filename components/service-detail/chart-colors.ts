import type { AnnotationTone, BreakerSpell } from "@/lib/service-detail/place-annotations";

/** Chart colours (SVG attributes need values, not Tailwind classes); the tokens of app/globals.css. */
export const CHART_COLORS = {
  grid: "#1f2a36",
  axis: "#5f6d7b",
  tick: "#8b98a6",
  cursor: "#2b3948",
  rate: "#38bdf8",
  errors: "#f87171",
  p50: "#38bdf8",
  p95: "#c084fc",
  p99: "#fbbf24",
} as const;

export const ANNOTATION_TONE_COLOR: Record<AnnotationTone, string> = {
  info: "#a5b4fc",
  ok: "#34d399",
  warn: "#fbbf24",
  bad: "#f87171",
};

/** Translucent, so lines stay readable through a spell. */
export const SPELL_FILL: Record<BreakerSpell["state"], string> = {
  open: "rgba(248, 113, 113, 0.12)",
  half_open: "rgba(251, 191, 36, 0.10)",
};
