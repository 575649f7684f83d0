import { z } from "zod";
import { BREAKER_STATES, INSTANCE_STATUSES, REPORTED_STATUSES } from "@/lib/control/contract";
import type { SpanKind } from "@/lib/otlp/model";

/**
 * Shapes of GET /api/v1/services/{name} and its sub-resources (series, operations, edges,
 * instances, annotations) as the browser reads them; lib/queries/get-service-*.ts produce
 * them on the server. Times of windows are epoch ms; events are ISO 8601.
 */

const isoTimestamp = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const nonNegative = z.number().nonnegative();
const percent = z.number().min(0).max(100);
const spanKind = z
  .number()
  .int()
  .min(0)
  .max(5)
  .transform((kind) => kind as SpanKind);
const breakerState = z.enum(BREAKER_STATES);
const instanceStatus = z.enum(INSTANCE_STATUSES);
const backends = z.array(z.object({ version: z.string(), weight: z.number() }));

export const serviceSummaryResponseSchema = z.object({
  service: z.object({
    name: z.string().min(1),
    firstSeen: isoTimestamp.nullable(),
    lastSeen: isoTimestamp.nullable(),
    spanCount: count,
    instanceCount: count,
    isVirtual: z.boolean(),
  }),
});
export type ServiceSummaryResponse = z.infer<typeof serviceSummaryResponseSchema>;

const latencies = { p50Us: nonNegative, p95Us: nonNegative, p99Us: nonNegative };

export const serviceSeriesResponseSchema = z.object({
  service: z.string(),
  operation: z.string().nullable(),
  spanKinds: z.array(spanKind),
  fromMs: z.number(),
  toMs: z.number(),
  bucketMs: z.number().int().positive(),
  buckets: z.array(
    z.object({
      startMs: z.number(),
      calls: count,
      errors: count,
      ratePerS: nonNegative,
      errorPct: percent,
      ...latencies,
    }),
  ),
});
export type ServiceSeriesResponse = z.infer<typeof serviceSeriesResponseSchema>;

export const serviceOperationSchema = z.object({
  operation: z.string(),
  spanKind,
  calls: count,
  errors: count,
  ratePerS: nonNegative,
  errorPct: percent,
  ...latencies,
});
export type ServiceOperationDto = z.infer<typeof serviceOperationSchema>;

export const serviceOperationsResponseSchema = z.object({
  service: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  operations: z.array(serviceOperationSchema),
  totalOperations: count,
});
export type ServiceOperationsResponse = z.infer<typeof serviceOperationsResponseSchema>;

export const serviceEdgeSchema = z.object({
  direction: z.enum(["upstream", "downstream"]),
  peer: z.string(),
  isVirtual: z.boolean(),
  stats: z.object({ calls: count, errors: count, ratePerS: nonNegative, errorPct: percent, ...latencies }).nullable(),
  breakers: z.array(
    z.object({
      ownerInstanceId: z.string(),
      targetInstanceId: z.string(),
      state: breakerState,
      stateSince: isoTimestamp,
      ownerStatus: instanceStatus.nullable(),
    }),
  ),
});
export type ServiceEdgeDto = z.infer<typeof serviceEdgeSchema>;

export const serviceEdgesResponseSchema = z.object({
  service: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  upstream: z.array(serviceEdgeSchema),
  downstream: z.array(serviceEdgeSchema),
});
export type ServiceEdgesResponse = z.infer<typeof serviceEdgesResponseSchema>;

export const serviceInstanceSchema = z.object({
  instanceId: z.string(),
  version: z.string(),
  address: z.string(),
  status: instanceStatus,
  reportedStatus: z.enum(REPORTED_STATUSES),
  ttlMs: count,
  firstSeen: isoTimestamp,
  lastReceivedAt: isoTimestamp,
  heartbeatAgeMs: nonNegative,
  statusSince: isoTimestamp,
  statusAtFrom: instanceStatus.nullable(),
  changes: z.array(
    z.object({ fromStatus: instanceStatus.nullable(), toStatus: instanceStatus, at: isoTimestamp, reason: z.string() }),
  ),
});
export type ServiceInstanceDto = z.infer<typeof serviceInstanceSchema>;

export const serviceInstancesResponseSchema = z.object({
  service: z.string(),
  from: isoTimestamp,
  to: isoTimestamp,
  instances: z.array(serviceInstanceSchema),
  isTruncated: z.boolean(),
});
export type ServiceInstancesResponse = z.infer<typeof serviceInstancesResponseSchema>;

export const serviceAnnotationsResponseSchema = z.object({
  service: z.string(),
  from: isoTimestamp,
  to: isoTimestamp,
  routeChanges: z.array(
    z.object({
      routeId: z.string(),
      routeVersion: z.number().int(),
      oldBackends: backends.nullable(),
      newBackends: backends,
      actor: z.string(),
      reason: z.string().nullable(),
      at: isoTimestamp,
    }),
  ),
  breakerTransitions: z.array(
    z.object({
      ownerInstanceId: z.string(),
      ownerService: z.string(),
      targetInstanceId: z.string(),
      targetService: z.string(),
      fromState: breakerState,
      toState: breakerState,
      at: isoTimestamp,
      reason: z.string().nullable(),
    }),
  ),
  /** The state each breaker was in when the window opened (its last transition before `from`). */
  breakerPriorStates: z.array(
    z.object({ ownerInstanceId: z.string(), targetInstanceId: z.string(), state: breakerState, since: isoTimestamp }),
  ),
  isTruncated: z.boolean(),
});
export type ServiceAnnotationsResponse = z.infer<typeof serviceAnnotationsResponseSchema>;
