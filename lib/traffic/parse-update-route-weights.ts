import { formatBodyError, parseBody } from "@/lib/control/parse-body";
import { ValidationError } from "@/lib/http/errors";
import { type UpdateRouteWeights, updateRouteWeightsSchema } from "./contract";

/**
 * A PUT /api/v1/routes/{id}/weights body (already read as JSON) → the update, or a 400 naming
 * the field (`param`, e.g. "backends.1.weight"). zod reports an unknown member at the object
 * it sits in (`param` "body" at the top), so that case names the member itself instead.
 */
export function parseUpdateRouteWeights(body: unknown): UpdateRouteWeights {
  const result = updateRouteWeightsSchema.safeParse(body);
  if (result.success) return parseBody(updateRouteWeightsSchema, body);
  const first = result.error.issues[0];
  if (first?.code === "unrecognized_keys") {
    const param = [...first.path.map(String), first.keys[0]].join(".");
    throw new ValidationError(`${param}: is not a field of a weight change (expected version, backends, reason, revertOf)`, {
      param,
    });
  }
  throw formatBodyError(result.error, body);
}
