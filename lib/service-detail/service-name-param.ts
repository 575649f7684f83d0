import { z } from "zod";

/**
 * The `{name}` segment of /api/v1/services/{name}/…: any service name a span can carry (the
 * writer cuts names at 1,024 UTF-8 bytes), so names like `unknown_service:node` or ones with
 * spaces work; the value only ever reaches SQL as a parameter.
 */
export const serviceNameParamsSchema = z.object({ name: z.string().min(1, "name must not be empty").max(1_024) });

/**
 * The service name of a page's `[name]` segment. Next.js hands pages the segment still
 * percent-encoded in some cases (names with spaces or slashes); a segment that does not
 * decode (a stray "%") is taken literally.
 */
export function decodeServiceNameSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
