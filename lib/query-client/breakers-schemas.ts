import { z } from "zod";
import { BREAKER_STATES, breakerConfigSchema, INSTANCE_STATUSES } from "@/lib/control/contract";

/**
 * Shapes of GET /api/v1/breakers and GET /api/v1/breakers/transitions as the browser reads
 * them (lib/control/list-breakers.ts and list-breaker-transitions.ts on the server side).
 */

const isoTimestamp = z.iso.datetime({ offset: true });
const breakerState = z.enum(BREAKER_STATES);
const count = z.number().int().nonnegative();
const percent = z.number().min(0).max(100);

export const breakerSummarySchema = z.object({
  ownerInstanceId: z.string().min(1),
  ownerService: z.string().min(1),
  ownerStatus: z.enum(INSTANCE_STATUSES).nullable(),
  targetInstanceId: z.string().min(1),
  targetService: z.string().min(1),
  targetVersion: z.string().nullable(),
  state: breakerState,
  stateSince: isoTimestamp,
  calls: count,
  failedCalls: count,
  slowCalls: count,
  failureRate: percent,
  slowCallRate: percent,
  notPermittedCalls: count,
  config: breakerConfigSchema,
  updatedAt: isoTimestamp,
  recentTransitions: z.array(
    z.object({ fromState: breakerState, toState: breakerState, at: isoTimestamp, reason: z.string().nullable() }),
  ),
});
export type BreakerSummary = z.infer<typeof breakerSummarySchema>;

export const breakersResponseSchema = z.object({ breakers: z.array(breakerSummarySchema) });
export type BreakersResponse = z.infer<typeof breakersResponseSchema>;

export const breakerTransitionEventSchema = z.object({
  ownerInstanceId: z.string().min(1),
  ownerService: z.string().min(1),
  targetInstanceId: z.string().min(1),
  targetService: z.string().min(1),
  fromState: breakerState,
  toState: breakerState,
  at: isoTimestamp,
  reason: z.string().nullable(),
});
export type BreakerTransitionEvent = z.infer<typeof breakerTransitionEventSchema>;

export const breakerTransitionsResponseSchema = z.object({
  from: isoTimestamp,
  to: isoTimestamp,
  transitions: z.array(breakerTransitionEventSchema),
  isTruncated: z.boolean(),
  priorStates: z.array(
    z.object({
      ownerInstanceId: z.string().min(1),
      targetInstanceId: z.string().min(1),
      state: breakerState,
      since: isoTimestamp,
    }),
  ),
});
export type BreakerTransitionsResponse = z.infer<typeof breakerTransitionsResponseSchema>;
