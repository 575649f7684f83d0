import { BREAKER_STATES, type BreakerState, serviceNameSchema } from "@/lib/control/contract";

/**
 * The Breakers page's view state in the URL: `?range=6h&service=payments&state=open` (plus
 * the shared `refresh`). Defaults are left out of the URL.
 */
export const RANGE_PARAM = "range";
export const SERVICE_PARAM = "service";
export const STATE_PARAM = "state";

const MINUTE_MS = 60_000;

export const TIME_RANGES = [
  { id: "5m", label: "5 m", description: "last 5 minutes", ms: 5 * MINUTE_MS },
  { id: "15m", label: "15 m", description: "last 15 minutes", ms: 15 * MINUTE_MS },
  { id: "1h", label: "1 h", description: "last hour", ms: 60 * MINUTE_MS },
  { id: "6h", label: "6 h", description: "last 6 hours", ms: 360 * MINUTE_MS },
  { id: "24h", label: "24 h", description: "last 24 hours", ms: 1_440 * MINUTE_MS },
] as const;
export type TimeRange = (typeof TIME_RANGES)[number];
export type TimeRangeId = TimeRange["id"];
export const DEFAULT_TIME_RANGE: TimeRange = TIME_RANGES[2];

export type BreakersView = {
  range: TimeRange;
  /** Owner or target service. */
  service: string | null;
  state: BreakerState | null;
};

type ParamReader = { get(name: string): string | null };

const isState = (value: string | null): value is BreakerState => BREAKER_STATES.some((state) => state === value);

export function parseBreakersView(params: ParamReader): BreakersView {
  const rangeId = params.get(RANGE_PARAM);
  const service = params.get(SERVICE_PARAM);
  const state = params.get(STATE_PARAM);
  return {
    range: TIME_RANGES.find((range) => range.id === rangeId) ?? DEFAULT_TIME_RANGE,
    service: serviceNameSchema.safeParse(service).success ? service : null,
    state: isState(state) ? state : null,
  };
}

/** URL parameter values for a (partial) view change; null removes a parameter (the default). */
export function serializeBreakersView(
  view: Partial<BreakersView>,
): Partial<Record<typeof RANGE_PARAM | typeof SERVICE_PARAM | typeof STATE_PARAM, string | null>> {
  const changes: Partial<Record<typeof RANGE_PARAM | typeof SERVICE_PARAM | typeof STATE_PARAM, string | null>> = {};
  if (view.range !== undefined) changes[RANGE_PARAM] = view.range.id === DEFAULT_TIME_RANGE.id ? null : view.range.id;
  if (view.service !== undefined) changes[SERVICE_PARAM] = view.service;
  if (view.state !== undefined) changes[STATE_PARAM] = view.state;
  return changes;
}
