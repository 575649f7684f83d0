import { SPAN_KIND, type SpanKind } from "@/lib/otlp/model";

/**
 * The service detail page's own URL parameters, read the same way by the page and by the
 * service API routes (the time range is lib/ui/time-range's, `refresh` the shell's):
 *
 *   operation=GET%20/orders   chart one operation (span name) instead of the whole service
 *   kind=server               …of this span kind (server, client, producer, consumer,
 *                             internal, unspecified); every kind of that name when absent
 *   sort=p95&dir=asc          the operations table's order (default: rate, busiest first)
 */

export const OPERATION_PARAM = "operation";
export const KIND_PARAM = "kind";
export const SORT_PARAM = "sort";
export const DIR_PARAM = "dir";

/** Longest operation (span name) the writer stores: 1,024 UTF-8 bytes are at most 1,024 characters. */
export const MAX_OPERATION_LENGTH = 1_024;

export const SPAN_KIND_PARAM_VALUES: Record<SpanKind, string> = {
  [SPAN_KIND.UNSPECIFIED]: "unspecified",
  [SPAN_KIND.INTERNAL]: "internal",
  [SPAN_KIND.SERVER]: "server",
  [SPAN_KIND.CLIENT]: "client",
  [SPAN_KIND.PRODUCER]: "producer",
  [SPAN_KIND.CONSUMER]: "consumer",
};

/** Labels for tables and legends. */
export const SPAN_KIND_LABELS: Record<SpanKind, string> = {
  [SPAN_KIND.UNSPECIFIED]: "Unspecified",
  [SPAN_KIND.INTERNAL]: "Internal",
  [SPAN_KIND.SERVER]: "Server",
  [SPAN_KIND.CLIENT]: "Client",
  [SPAN_KIND.PRODUCER]: "Producer",
  [SPAN_KIND.CONSUMER]: "Consumer",
};

const SPAN_KINDS = Object.values(SPAN_KIND) as SpanKind[];

export function parseSpanKindParam(value: string | null | undefined): SpanKind | undefined {
  return SPAN_KINDS.find((kind) => SPAN_KIND_PARAM_VALUES[kind] === value);
}

export type OperationFilter = {
  name: string;
  /** Null: every kind of spans with this name. */
  spanKind: SpanKind | null;
};

export type ParamReader = { get(name: string): string | null };

export type ParsedOperationFilter = {
  filter: OperationFilter | null;
  /** Why part of the URL was ignored; null when it was valid or absent. */
  error: { param: typeof OPERATION_PARAM | typeof KIND_PARAM; message: string } | null;
};

export function parseOperationFilter(params: ParamReader): ParsedOperationFilter {
  const name = params.get(OPERATION_PARAM);
  const kindText = params.get(KIND_PARAM);
  if (name === null || name === "") {
    return {
      filter: null,
      error: kindText === null || kindText === "" ? null : { param: KIND_PARAM, message: "kind needs an operation" },
    };
  }
  if (name.length > MAX_OPERATION_LENGTH) {
    return {
      filter: null,
      error: { param: OPERATION_PARAM, message: `operation must be at most ${MAX_OPERATION_LENGTH} characters` },
    };
  }
  if (kindText === null || kindText === "") return { filter: { name, spanKind: null }, error: null };
  const spanKind = parseSpanKindParam(kindText);
  if (spanKind === undefined) {
    return {
      filter: { name, spanKind: null },
      error: { param: KIND_PARAM, message: `kind must be one of ${Object.values(SPAN_KIND_PARAM_VALUES).join(", ")}` },
    };
  }
  return { filter: { name, spanKind }, error: null };
}

/** URL values for a filter (null removes a parameter). */
export function serializeOperationFilter(
  filter: OperationFilter | null,
): Record<typeof OPERATION_PARAM | typeof KIND_PARAM, string | null> {
  return {
    [OPERATION_PARAM]: filter?.name ?? null,
    [KIND_PARAM]: filter === null || filter.spanKind === null ? null : SPAN_KIND_PARAM_VALUES[filter.spanKind],
  };
}

/** Appends a filter's parameters to `params` (for API paths and query keys). */
export function appendOperationFilter(params: URLSearchParams, filter: OperationFilter | null): URLSearchParams {
  for (const [name, value] of Object.entries(serializeOperationFilter(filter))) if (value !== null) params.append(name, value);
  return params;
}
