import { z } from "zod";
import type { AttributeValue } from "@/lib/otlp/model";

/**
 * Shapes of GET /api/v1/traces (search) and GET /api/v1/traces/{traceId} as the browser
 * reads them. Times are numbers: µs since the epoch stays exact in a double until the year
 * 2255, and a span would have to last 104 days before its nanoseconds lost precision.
 */

const count = z.number().int().nonnegative();
const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`));

export const traceSummarySchema = z.object({
  traceId: hex(32),
  rootServiceName: z.string(),
  rootSpanName: z.string(),
  hasRootSpan: z.boolean(),
  startTimeUs: z.number().nonnegative(),
  durationUs: z.number().nonnegative(),
  spanCount: count,
  errorSpanCount: count,
  serviceNames: z.array(z.string()),
});
export type TraceSummaryDto = z.infer<typeof traceSummarySchema>;

export const traceSearchResponseSchema = z.object({
  traces: z.array(traceSummarySchema),
  /** The window searched, epoch ms (presets resolved against the server's clock). */
  startMs: z.number(),
  endMs: z.number(),
  limit: z.number().int().positive(),
});
export type TraceSearchResponse = z.infer<typeof traceSearchResponseSchema>;

const attributeValueSchema: z.ZodType<AttributeValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(attributeValueSchema),
    z.record(z.string(), attributeValueSchema),
  ]),
);
const attributesSchema = z.record(z.string(), attributeValueSchema);

export const spanEventSchema = z.object({
  /** µs since the epoch. */
  timeUs: z.number(),
  name: z.string(),
  attributes: attributesSchema,
});

export const spanLinkSchema = z.object({
  traceId: hex(32),
  spanId: hex(16),
  traceState: z.string().optional(),
  attributes: attributesSchema,
});

export const traceSpanSchema = z.object({
  spanId: hex(16),
  parentSpanId: hex(16).optional(),
  name: z.string(),
  kind: z.number().int().min(0).max(5),
  serviceName: z.string(),
  startTimeUs: z.number(),
  durationNs: z.number().nonnegative(),
  statusCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  statusMessage: z.string().optional(),
  traceState: z.string().optional(),
  attributes: attributesSchema,
  events: z.array(spanEventSchema),
  links: z.array(spanLinkSchema),
  droppedAttributesCount: count,
  droppedEventsCount: count,
  droppedLinksCount: count,
  resourceAttributes: attributesSchema,
  scope: z.object({ name: z.string(), version: z.string().optional() }).optional(),
});
export type TraceSpanDto = z.infer<typeof traceSpanSchema>;

export const traceDetailResponseSchema = z.object({
  traceId: hex(32),
  spans: z.array(traceSpanSchema),
});
export type TraceDetailResponse = z.infer<typeof traceDetailResponseSchema>;
