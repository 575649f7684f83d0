/**
 * The dashboard's time range, shared by every page and API route that shows a window:
 *
 *   range=5m|15m|1h|6h|24h            a window ending now (default 1h; left out of the URL), or
 *   range=custom&from=ISO&to=ISO      a fixed window (ISO 8601 instants or epoch milliseconds)
 *
 * Presets slide with "now", which callers resolve inside their query functions
 * (resolveTimeRange) so a live page's window moves on every refresh.
 */

export const RANGE_PARAM = "range";
export const FROM_PARAM = "from";
export const TO_PARAM = "to";
/** The parameter names a time range may write, for replacing them all at once. */
export const TIME_RANGE_PARAMS = [RANGE_PARAM, FROM_PARAM, TO_PARAM] as const;
export type TimeRangeParam = (typeof TIME_RANGE_PARAMS)[number];

export const TIME_RANGE_PRESETS = ["5m", "15m", "1h", "6h", "24h"] as const;
export type TimeRangePreset = (typeof TIME_RANGE_PRESETS)[number];
export const DEFAULT_TIME_RANGE_PRESET: TimeRangePreset = "1h";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export const TIME_RANGE_PRESET_MS: Record<TimeRangePreset, number> = {
  "5m": 5 * MINUTE_MS,
  "15m": 15 * MINUTE_MS,
  "1h": HOUR_MS,
  "6h": 6 * HOUR_MS,
  "24h": DAY_MS,
};

/** Labels for pickers ("Last 15 min") and for prose ("the last 15 minutes"). */
export const TIME_RANGE_PRESET_LABELS: Record<TimeRangePreset, { label: string; description: string }> = {
  "5m": { label: "Last 5 min", description: "the last 5 minutes" },
  "15m": { label: "Last 15 min", description: "the last 15 minutes" },
  "1h": { label: "Last 1 h", description: "the last hour" },
  "6h": { label: "Last 6 h", description: "the last 6 hours" },
  "24h": { label: "Last 24 h", description: "the last 24 hours" },
};

export type TimeRange = { kind: "preset"; preset: TimeRangePreset } | { kind: "custom"; fromMs: number; toMs: number };

export const DEFAULT_TIME_RANGE: TimeRange = { kind: "preset", preset: DEFAULT_TIME_RANGE_PRESET };

/** Anything with URLSearchParams' `get` (URLSearchParams, Next.js ReadonlyURLSearchParams). */
export type ParamReader = { get(name: string): string | null };

export type TimeRangeParamError = { param: TimeRangeParam; message: string };

export type ParsedTimeRange = {
  range: TimeRange;
  /** Why the URL's range was ignored (the default is used instead); null when it was valid or absent. */
  error: TimeRangeParamError | null;
};

export const isTimeRangePreset = (value: string | null | undefined): value is TimeRangePreset =>
  TIME_RANGE_PRESETS.some((preset) => preset === value);

const nonEmpty = (value: string | null) => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
};

/** Epoch milliseconds (up to 15 digits) or an ISO 8601 instant; undefined when neither. */
export function parseTimestamp(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Reads `range` / `from` / `to`. An invalid range falls back to the default and says why in
 * `error` (pages show it; API routes answer 400 with it).
 */
export function parseTimeRange(params: ParamReader): ParsedTimeRange {
  const value = nonEmpty(params.get(RANGE_PARAM));
  if (value === undefined) return { range: DEFAULT_TIME_RANGE, error: null };
  if (value === "custom") {
    const fromMs = parseTimestamp(nonEmpty(params.get(FROM_PARAM)));
    const toMs = parseTimestamp(nonEmpty(params.get(TO_PARAM)));
    if (fromMs === undefined || toMs === undefined) {
      return {
        range: DEFAULT_TIME_RANGE,
        error: { param: FROM_PARAM, message: "a custom range needs from and to (ISO 8601 or epoch milliseconds)" },
      };
    }
    if (fromMs >= toMs) {
      return { range: DEFAULT_TIME_RANGE, error: { param: FROM_PARAM, message: "the range starts after it ends" } };
    }
    return { range: { kind: "custom", fromMs, toMs }, error: null };
  }
  if (isTimeRangePreset(value)) return { range: { kind: "preset", preset: value }, error: null };
  return {
    range: DEFAULT_TIME_RANGE,
    error: { param: RANGE_PARAM, message: `range must be one of ${TIME_RANGE_PRESETS.join(", ")} or custom` },
  };
}

/**
 * URL parameter values for a range, in the shape replaceSearchParams takes: null removes a
 * parameter (the default preset writes nothing; presets clear from/to).
 */
export function serializeTimeRange(range: TimeRange): Record<TimeRangeParam, string | null> {
  if (range.kind === "custom") {
    return {
      [RANGE_PARAM]: "custom",
      [FROM_PARAM]: new Date(range.fromMs).toISOString(),
      [TO_PARAM]: new Date(range.toMs).toISOString(),
    };
  }
  return {
    [RANGE_PARAM]: range.preset === DEFAULT_TIME_RANGE_PRESET ? null : range.preset,
    [FROM_PARAM]: null,
    [TO_PARAM]: null,
  };
}

/** Appends a range's parameters (defaults left out) to `params`, in the order range, from, to. */
export function appendTimeRange(params: URLSearchParams, range: TimeRange): URLSearchParams {
  for (const [name, value] of Object.entries(serializeTimeRange(range))) if (value !== null) params.append(name, value);
  return params;
}

/** A range as a canonical query string ("" for the default), e.g. for query keys. */
export function timeRangeQuery(range: TimeRange): string {
  return appendTimeRange(new URLSearchParams(), range).toString();
}

/** "the last hour" / "the chosen range", for prose such as "3 services with requests in …". */
export function describeTimeRange(range: TimeRange): string {
  return range.kind === "preset" ? TIME_RANGE_PRESET_LABELS[range.preset].description : "the chosen range";
}

/** The window a range covers at `nowMs` (presets slide with now; custom ranges stay put). */
export function resolveTimeRange(range: TimeRange, nowMs: number): { startMs: number; endMs: number } {
  if (range.kind === "custom") return { startMs: range.fromMs, endMs: range.toMs };
  return { startMs: nowMs - TIME_RANGE_PRESET_MS[range.preset], endMs: nowMs };
}

/** Most points a time series over a window should have (charts stay readable at 1280 px). */
export const MAX_SERIES_POINTS = 120;

// Round bucket sizes, in minutes; past a day, whole days. From 5 minutes on, multiples of 5:
// a bucket then holds whole 5-minute periods, which reads take from the 5-minute rollups
// (lib/queries/rollup-window-ranges) — so no 3-minute size.
const BUCKET_MINUTES = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 360, 720, 1_440] as const;

/**
 * The bucket for a time series over a window: the smallest round whole-minute size (1, 2, 5,
 * 10, 15, 20, 30 min, 1, 2, 3, 6, 12 h, then whole days) that gives at most
 * MAX_SERIES_POINTS buckets. Rollups are per minute, so nothing finer exists. 5 min and 1 h
 * windows get 1 min buckets, 6 h 5 min (72 points), 24 h 15 min (96 points).
 */
export function chooseBucketMs(windowMs: number): number {
  const minutesNeeded = Math.max(0, windowMs) / MINUTE_MS / MAX_SERIES_POINTS;
  for (const minutes of BUCKET_MINUTES) if (minutes >= minutesNeeded) return minutes * MINUTE_MS;
  return Math.ceil(minutesNeeded / 1_440) * DAY_MS;
}

/**
 * Start instants of the buckets (aligned to multiples of `bucketMs` since the epoch, so they
 * stay put while a live window slides) that overlap [startMs, endMs): for filling the gaps of
 * a series whose empty buckets the database leaves out.
 */
export function listBucketStarts(startMs: number, endMs: number, bucketMs: number): number[] {
  const starts: number[] = [];
  if (endMs <= startMs) return starts;
  for (let t = Math.floor(startMs / bucketMs) * bucketMs; t < endMs; t += bucketMs) starts.push(t);
  return starts;
}
