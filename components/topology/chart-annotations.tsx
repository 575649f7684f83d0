"use client";

import type { ReactNode } from "react";
import { ReferenceArea } from "recharts";
import { SPELL_FILL } from "@/components/service-detail/chart-colors";
import { markerAnnotationLine } from "@/components/service-detail/service-time-chart";
import type { AnnotationMarker, BreakerSpell } from "@/lib/service-detail/place-annotations";
import type { ChartPoint } from "@/lib/topology/to-chart-points";

/** What the side panel's charts mark: the service page's numbered markers and breaker spells. */
export type ChartAnnotations = { markers: readonly AnnotationMarker[]; spells: readonly BreakerSpell[] };

export const NO_CHART_ANNOTATIONS: ChartAnnotations = { markers: [], spells: [] };

/** What each side panel chart draws: the buckets of the window, and the annotations over them. */
export type SidePanelChartProps = { points: ChartPoint[]; startMs: number; endMs: number; annotations?: ChartAnnotations };

/** Room above the plot for the markers' numbered labels (as on the service page). */
export function chartTopMargin(annotations: ChartAnnotations): number {
  return annotations.markers.length > 0 ? 20 : 4;
}

/**
 * The markers and spells as recharts children, drawn as the service page draws them (same
 * label, colours and dashes), so a number means the same on both pages. Returned as an array
 * of elements, not a component: recharts reads its direct children.
 */
export function chartAnnotationElements(annotations: ChartAnnotations, startMs: number, endMs: number): ReactNode[] {
  return [
    ...annotations.spells.map((spell) => (
      <ReferenceArea
        key={`spell-${spell.startMs}-${spell.state}`}
        x1={Math.max(spell.startMs, startMs)}
        x2={Math.min(spell.endMs, endMs)}
        fill={SPELL_FILL[spell.state]}
        fillOpacity={1}
        ifOverflow="hidden"
      />
    )),
    ...annotations.markers.map((marker) => markerAnnotationLine(marker, `marker-${marker.number}`)),
  ];
}
