/**
 * Distinct colours for the services of one trace, legible on the dark panel. Assigned by
 * name order, so a service keeps its colour while the trace is on screen and the same set of
 * services always gets the same colours. Past the palette, colours repeat (the legend and
 * the service name on each row still tell them apart).
 */
export const SERVICE_PALETTE = [
  "#38bdf8", // sky
  "#a78bfa", // violet
  "#34d399", // emerald
  "#fbbf24", // amber
  "#f472b6", // pink
  "#2dd4bf", // teal
  "#fb923c", // orange
  "#818cf8", // indigo
  "#a3e635", // lime
  "#e879f9", // fuchsia
  "#60a5fa", // blue
  "#facc15", // yellow
] as const;

export function assignServiceColors(serviceNames: Iterable<string>): Map<string, string> {
  const names = [...new Set(serviceNames)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(names.map((name, i) => [name, SERVICE_PALETTE[i % SERVICE_PALETTE.length]]));
}
