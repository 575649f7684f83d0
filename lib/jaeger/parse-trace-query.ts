import { z } from "zod";
import { ValidationError } from "@/lib/http/errors";
import { formatZodError, type SearchParamsObject } from "@/lib/http/route-handler";
import { SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT, type SearchTracesQuery } from "@/lib/queries/search-traces";
import { parseDurationNs } from "./parse-duration";
import { normalizeTraceId } from "./trace-id";

/** Jaeger's default search window when `start` is absent: two days before `end`. */
export const DEFAULT_SEARCH_LOOKBACK_US = 2n * 24n * 3_600_000_000n;

export type TraceQuery =
  { kind: "search"; filters: SearchTracesQuery } | { kind: "ids"; traceIds: string[]; startUs?: bigint; endUs?: bigint };

// Like Go's r.FormValue: the first value of a repeated parameter; "" counts as absent.
const firstValue = (value: unknown) => {
  const first = Array.isArray(value) ? value[0] : value;
  return first === "" ? undefined : first;
};
const allValues = (value: unknown) =>
  (value === undefined ? [] : Array.isArray(value) ? value : [value]).filter((entry) => entry !== "");

const text = z.preprocess(firstValue, z.string().optional());
const list = z.preprocess(allValues, z.array(z.string()));

/** A query parameter holding microseconds since the epoch (Jaeger's `start`/`end`); the first of repeats. */
export const micros = z.preprocess(
  firstValue,
  z
    .string()
    .regex(/^\d{1,19}$/, "expected an integer number of microseconds since the epoch")
    .transform((value) => BigInt(value))
    .optional(),
);

const duration = z.preprocess(
  firstValue,
  z
    .string()
    .transform((value, ctx) => {
      const nanos = parseDurationNs(value);
      if (nanos === undefined) {
        ctx.addIssue({ code: "custom", message: `"${value}" is not a duration; use e.g. 1.2s, 100ms or 5us` });
        return z.NEVER;
      }
      return nanos;
    })
    .optional(),
);

const limit = z.preprocess(
  firstValue,
  z
    .string()
    .regex(/^\d+$/, "expected a positive integer")
    .transform(Number)
    .pipe(z.number().int().min(1, "must be at least 1"))
    .optional(),
);

// jaeger-ui sends lookback=1h/2d/…, Grafana sends lookback=custom next to explicit start/end.
const lookback = z.preprocess(
  firstValue,
  z
    .string()
    .transform((value, ctx) => {
      if (value === "custom") return undefined;
      const nanos = parseDurationNs(value);
      if (nanos === undefined) {
        ctx.addIssue({ code: "custom", message: `"${value}" is not a duration or "custom"` });
        return z.NEVER;
      }
      return nanos / 1000n;
    })
    .optional(),
);

const querySchema = z.object({
  service: text,
  operation: text,
  tags: list,
  tag: list,
  minDuration: duration,
  maxDuration: duration,
  start: micros,
  end: micros,
  limit,
  lookback,
  traceID: list,
});

function parseTags(simple: string[], json: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const entry of simple) {
    const colon = entry.indexOf(":");
    if (colon <= 0) {
      throw new ValidationError(`malformed 'tag' parameter, expecting key:value, received: ${entry}`, { param: "tag" });
    }
    tags[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  for (const entry of json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(entry);
    } catch (error) {
      throw new ValidationError(`malformed 'tags' parameter, cannot unmarshal JSON: ${(error as Error).message}`, {
        param: "tags",
      });
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ValidationError("malformed 'tags' parameter, expecting a JSON object of key → value", { param: "tags" });
    }
    for (const [key, value] of Object.entries(parsed)) {
      // Jaeger's map[string]string; numbers and booleans are accepted and compared as text.
      if (typeof value === "string") tags[key] = value;
      else if (typeof value === "number" || typeof value === "boolean") tags[key] = String(value);
      else throw new ValidationError(`malformed 'tags' parameter, the value of "${key}" must be a string`, { param: "tags" });
    }
  }
  return tags;
}

/**
 * Reads the query string of Jaeger's GET /api/traces (service, operation, tags JSON and
 * repeated tag=k:v, minDuration/maxDuration as Go durations, start/end in µs, limit,
 * lookback, repeated traceID). Throws ValidationError naming the parameter at fault.
 */
export function parseTraceQuery(query: SearchParamsObject, nowMs: number): TraceQuery {
  const result = querySchema.safeParse(query);
  if (!result.success) throw formatZodError(result.error, query);
  const q = result.data;

  const explicitBounds = { startUs: q.start, endUs: q.end };
  if (q.start !== undefined && q.end !== undefined && q.start > q.end) {
    throw new ValidationError("'start' should not be after 'end'", { param: "start" });
  }

  if (q.traceID.length > 0) {
    const traceIds = q.traceID.map((raw) => {
      const id = normalizeTraceId(raw);
      if (id === undefined)
        throw new ValidationError(`cannot parse traceID param: "${raw}" is not a trace id`, { param: "traceID" });
      return id;
    });
    return { kind: "ids", traceIds: [...new Set(traceIds)], ...explicitBounds };
  }

  if (q.service === undefined) throw new ValidationError("parameter 'service' is required", { param: "service" });
  if (q.minDuration !== undefined && q.maxDuration !== undefined && q.maxDuration < q.minDuration) {
    throw new ValidationError("'maxDuration' should be greater than 'minDuration'", { param: "maxDuration" });
  }

  const endUs = q.end ?? BigInt(nowMs) * 1000n;
  const lookbackUs = q.lookback ?? DEFAULT_SEARCH_LOOKBACK_US;
  const startUs = q.start ?? (endUs > lookbackUs ? endUs - lookbackUs : 0n);
  if (startUs > endUs) throw new ValidationError("'start' should not be after 'end'", { param: "start" });

  return {
    kind: "search",
    filters: {
      service: q.service,
      operation: q.operation,
      tags: parseTags(q.tag, q.tags),
      minDurationNs: q.minDuration,
      maxDurationNs: q.maxDuration,
      startUs,
      endUs,
      // Larger limits are capped rather than refused: jaeger-ui lets users type any number.
      limit: Math.min(q.limit ?? SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT),
    },
  };
}
