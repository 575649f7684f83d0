import { versionColor } from "./version-colors";

type Segment = { version: string; weight: number };

/**
 * A split as one stacked bar (a segment per version, labelled when wide enough). `versions`
 * fixes the colour order, so the same version has the same colour on every bar.
 */
export function SplitBar({
  segments,
  versions,
  label,
  size = "md",
  testId,
}: {
  segments: readonly Segment[];
  versions: readonly string[];
  /** What the bar shows, for screen readers and the row's caption: "Configured". */
  label: string;
  size?: "sm" | "md";
  testId?: string;
}) {
  const total = segments.reduce((sum, s) => sum + Math.max(0, s.weight), 0);
  // Widths are percent of 100, so a draft summing to 95 shows its gap; only an overfull one is scaled down.
  const scale = Math.max(100, total);
  const text = segments.map((s) => `${s.version} ${s.weight} %`).join(", ");
  const height = size === "sm" ? "h-2" : "h-6";
  return (
    <div
      role="img"
      aria-label={`${label}: ${text}`}
      data-testid={testId}
      data-split={segments.map((s) => `${s.version}=${s.weight}`).join(",")}
      className={`flex w-full overflow-hidden rounded ${height} bg-panel-raised`}
    >
      {total > 0 &&
        segments.map((segment) => {
          const share = (Math.max(0, segment.weight) / scale) * 100;
          if (share === 0) return null;
          const color = versionColor(Math.max(0, versions.indexOf(segment.version)));
          return (
            <div
              key={segment.version}
              style={{ width: `${share}%`, backgroundColor: color }}
              className="flex min-w-0 items-center justify-center border-r border-canvas/60 last:border-r-0"
            >
              {size === "md" && share >= 12 && (
                <span className="truncate px-1 text-[11px] font-semibold text-accent-ink tabular-nums">
                  {segment.version} {segment.weight} %
                </span>
              )}
            </div>
          );
        })}
    </div>
  );
}
