import type { ChartSeries } from "./service-time-chart";

/** The chart's lines by colour and dash, as text (the tooltip repeats them with values). */
export function SeriesLegend({ series }: { series: readonly ChartSeries[] }) {
  return (
    <ul className="flex items-center gap-3 text-xs text-muted" aria-label="Legend">
      {series.map((s) => (
        <li key={s.key} className="flex items-center gap-1.5">
          <svg aria-hidden="true" width="18" height="8" viewBox="0 0 18 8">
            {s.shape === "area" && <rect x="0" y="4" width="18" height="4" fill={s.color} fillOpacity={0.2} />}
            <line x1="0" y1="4" x2="18" y2="4" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash} />
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  );
}
