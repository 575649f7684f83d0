/**
 * One colour per backend version, by its position in the route (the first, stable version
 * sky, the canary purple, …), the same on the bars, the sliders and the chart. SVG needs
 * values, not Tailwind classes: these are the tokens of app/globals.css and the chart palette.
 */
const VERSION_COLORS = ["#38bdf8", "#c084fc", "#fbbf24", "#34d399", "#f472b6", "#a3e635"] as const;

export const versionColor = (index: number): string => VERSION_COLORS[index % VERSION_COLORS.length];
