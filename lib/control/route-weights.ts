import { z } from "zod";
import { routeBackendSchema, routeDeclarationSchema } from "./contract";

/**
 * The weight rules of a route, in one schema shared by route declaration (POST
 * /api/v1/routes) and weight changes (PUT, traffic control): integer weights 0..100 (from
 * routeBackendSchema), 1 to 20 backends, each version once, at least one weight above zero,
 * and the weights summing to 100. Each message names the field it is about.
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
    if (backends.every((backend) => backend.weight === 0)) {
      ctx.addIssue({ code: "custom", message: "at least one weight must be above zero" });
      return;
    }
    const sum = backends.reduce((total, backend) => total + backend.weight, 0);
    if (sum !== 100) ctx.addIssue({ code: "custom", message: `weights must sum to 100, got ${sum}` });
  });

export type RouteBackends = z.infer<typeof routeBackendsSchema>;

/** A route declaration with the weight rules applied to its backends. */
export const routeDeclarationRulesSchema = routeDeclarationSchema.extend({ backends: routeBackendsSchema });
