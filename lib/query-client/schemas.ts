import { z } from "zod";

/**
 * Shapes of the JSON API responses the browser reads. The client validates every response
 * against these (a server/client version skew shows as a clear error, not as `undefined`
 * deep in a component), and the server side types its handlers with the inferred types.
 */

const isoTimestamp = z.iso.datetime({ offset: true });

export const serviceSummarySchema = z.object({
  name: z.string().min(1),
  spanCount: z.number().int().nonnegative(),
  firstSeen: isoTimestamp,
  lastSeen: isoTimestamp,
});
export type ServiceSummary = z.infer<typeof serviceSummarySchema>;

export const servicesResponseSchema = z.object({
  services: z.array(serviceSummarySchema),
});
export type ServicesResponse = z.infer<typeof servicesResponseSchema>;

/** GET /api/v1/service-directory: every service with a page, heartbeat-only ones included. */
export const serviceDirectoryResponseSchema = z.object({
  services: z.array(
    z.object({
      name: z.string().min(1),
      spanCount: z.number().int().nonnegative(),
      /** Latest span; null for a service that only sends heartbeats. */
      lastSeen: isoTimestamp.nullable(),
      /** Instances that are not deregistered. */
      instanceCount: z.number().int().nonnegative(),
    }),
  ),
});
export type ServiceDirectoryResponse = z.infer<typeof serviceDirectoryResponseSchema>;
export type ServiceDirectoryEntry = ServiceDirectoryResponse["services"][number];

export const serverRoleSchema = z.enum(["all", "ingest", "ui"]);

export const serverInfoSchema = z.object({
  role: serverRoleSchema,
  /** Host name for exporter instructions (as the browser reached us). */
  host: z.string().min(1),
  webPort: z.number().int().min(0).max(65_535),
  otlpHttpPort: z.number().int().min(0).max(65_535),
  otlpGrpcPort: z.number().int().min(0).max(65_535),
  /** Whether OTLP requests need an ingest token. The tokens themselves are never sent. */
  isIngestTokenRequired: z.boolean(),
});
export type ServerInfo = z.infer<typeof serverInfoSchema>;

/** RFC 9457 problem details, as the JSON API reports errors. */
export const problemSchema = z.object({
  title: z.string().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  requestId: z.string().optional(),
});
