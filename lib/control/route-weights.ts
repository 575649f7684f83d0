import { z } from "zod";
import { routeBackendSchema, routeDeclarationSchema } from "./contract";

/**
 * The weight rules of a route, in one schema shared by route declaration (POST
 * /api/v1/routes) and weight changes (PUT, traffic control): integer weights 0..100 (from
 * routeBackendSchema), 1 to 20 backends, each version once, at least one weight above zero,
 * and the weights summing to 100; within a backend's optional instance-level weights, each
 * instance once and, when the backend gets traffic, at least one instance weight above zero.
 * Each message names the field it is about (issue paths such as 0.instances.1.instanceId).
 */
export const routeBackendsSchema = z
  .array(routeBackendSchema, { error: "backends must be a list of { version, weight }" })
  .min(1, "backends must list at least one backend")
  .max(20, "backends may list at most 20 backends")
  .superRefine((backends, ctx) => {
    // An empty list already failed min(1); the weight rules would only repeat it.
    if (backends.length === 0) return;
    const seen = new Map<string, number>();
    backends.forEach((backend, index) => {
      const first = seen.get(backend.version);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [index, "version"],
          message: `version "${backend.version}" is listed twice (also at backends.${first}); each version once`,
        });
      } else seen.set(backend.version, index);
    });
    backends.forEach((backend, index) => checkInstanceWeights(backend, index, ctx));
    if (backends.every((backend) => backend.weight === 0)) {
      ctx.addIssue({ code: "custom", message: "at least one weight must be above zero" });
      return;
    }
    const sum = backends.reduce((total, backend) => total + backend.weight, 0);
    if (sum !== 100) ctx.addIssue({ code: "custom", message: `weights must sum to 100, got ${sum}` });
  });

/**
 * Instance weights are relative within their backend, so they need not sum to anything; but a
 * backend that gets traffic must have somewhere to send it.
 */
function checkInstanceWeights(backend: z.infer<typeof routeBackendSchema>, index: number, ctx: z.RefinementCtx): void {
  const instances = backend.instances;
  if (instances === undefined) return;
  const seen = new Map<string, number>();
  instances.forEach((instance, position) => {
    const first = seen.get(instance.instanceId);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [index, "instances", position, "instanceId"],
        message: `instance "${instance.instanceId}" is listed twice (also at backends.${index}.instances.${first}); each instance once`,
      });
    } else seen.set(instance.instanceId, position);
  });
  if (backend.weight > 0 && instances.length > 0 && instances.every((instance) => instance.weight === 0)) {
    ctx.addIssue({
      code: "custom",
      path: [index, "instances"],
      message: `version "${backend.version}" has weight ${backend.weight} but every instance weight is zero; give at least one instance a weight above zero`,
    });
  }
}

export type RouteBackends = z.infer<typeof routeBackendsSchema>;

/** A route declaration with the weight rules applied to its backends. */
export const routeDeclarationRulesSchema = routeDeclarationSchema.extend({ backends: routeBackendsSchema });
