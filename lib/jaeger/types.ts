/**
 * Jaeger's query-service JSON (the "internal" HTTP API jaeger-ui and Grafana's Jaeger data
 * source read), after jaegertracing/jaeger model/json and cmd/query/app/http_handler.go.
 * Times and durations are integer microseconds.
 */

export type JaegerTagType = "string" | "bool" | "int64" | "float64" | "binary";

export type JaegerKeyValue =
  | { key: string; type: "string"; value: string }
  | { key: string; type: "bool"; value: boolean }
  | { key: string; type: "int64"; value: number }
  | { key: string; type: "float64"; value: number }
  | { key: string; type: "binary"; value: string };

export type JaegerReference = {
  refType: "CHILD_OF" | "FOLLOWS_FROM";
  traceID: string;
  spanID: string;
};

export type JaegerLog = { timestamp: number; fields: JaegerKeyValue[] };

export type JaegerSpan = {
  traceID: string;
  spanID: string;
  /** Sampling flags; omitted when zero, as Jaeger does. */
  flags?: number;
  operationName: string;
  references: JaegerReference[];
  startTime: number;
  duration: number;
  tags: JaegerKeyValue[];
  logs: JaegerLog[];
  processID: string;
  warnings: string[] | null;
};

export type JaegerProcess = { serviceName: string; tags: JaegerKeyValue[] };

export type JaegerTrace = {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
};

export type JaegerOperation = { name: string; spanKind: string };

export type JaegerDependencyLink = { parent: string; child: string; callCount: number };

export type JaegerError = { code?: number; msg: string; traceID?: string };

/** The envelope around every answer of Jaeger's HTTP API. */
export type JaegerEnvelope<T> = {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: JaegerError[] | null;
};
