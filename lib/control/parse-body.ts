import type { z } from "zod";
import { ValidationError } from "@/lib/http/errors";
import { toStorableString } from "@/lib/otlp/sanitize-string";

/** Issues listed in one message at most; the rest are summarized as "(+N more)". */
const MAX_LISTED_ISSUES = 3;

/**
 * Validates a request body with zod. On failure: ValidationError (400) whose message names
 * each field, e.g. "instanceId: is required; breakers.0.calls: Too small: expected number to
 * be >=0". On success, every string is made storable in PostgreSQL text/jsonb (NUL and lone
 * surrogates, which JSON allows and PostgreSQL refuses, become U+FFFD), so a strange but
 * valid body cannot fail later as a database error.
 */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw formatBodyError(result.error, input);
  return toStorable(result.data) as z.output<S>;
}

export function formatBodyError(error: z.ZodError, input: unknown): ValidationError {
  const parts = error.issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const field = issue.path.length === 0 ? "body" : issue.path.map(String).join(".");
    const missing = issue.code === "invalid_type" && valueAt(input, issue.path) === undefined;
    return `${field}: ${missing ? "is required" : issue.message}`;
  });
  const more = error.issues.length - MAX_LISTED_ISSUES;
  const message = parts.length === 0 ? "body: invalid" : parts.join("; ") + (more > 0 ? ` (+${more} more)` : "");
  const first = error.issues[0];
  return new ValidationError(message, {
    param: first === undefined || first.path.length === 0 ? "body" : first.path.map(String).join("."),
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    value = typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return value;
}

function toStorable(value: unknown): unknown {
  if (typeof value === "string") return toStorableString(value);
  if (Array.isArray(value)) return value.map(toStorable);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toStorable(item)]));
  }
  return value;
}
