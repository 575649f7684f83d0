import { type FaultSpec, faultSpecSchema } from "@/lib/control/contract";

/**
 * The fault form's fields as typed (strings, so a half-typed number stays on screen), and the
 * conversions to and from the API's fault spec. The error rate is a percentage in the form and
 * a fraction on the wire. Validation is faultSpecSchema's own, so the form and the server
 * apply one rule.
 */
export type FaultDraft = {
  latencyMs: string;
  errorRatePercent: string;
  errorStatus: string;
  hang: boolean;
};

export type FaultDraftField = keyof FaultDraft;

export function toFaultDraft(spec: FaultSpec): FaultDraft {
  return {
    latencyMs: String(spec.latencyMs),
    // 0.333333 → "33.3333": four decimals are more than a person types and hide float noise.
    errorRatePercent: String(Number((spec.errorRate * 100).toFixed(4))),
    errorStatus: String(spec.errorStatus),
    hang: spec.hang,
  };
}

const SPEC_FIELD_TO_DRAFT: Record<keyof FaultSpec, FaultDraftField> = {
  latencyMs: "latencyMs",
  errorRate: "errorRatePercent",
  errorStatus: "errorStatus",
  hang: "hang",
};

const FIELD_LABEL: Record<FaultDraftField, string> = {
  latencyMs: "Latency",
  errorRatePercent: "Error rate",
  errorStatus: "Error status",
  hang: "Hang",
};

/** A number field: empty means 0 for latency and rate, never NaN on the wire. */
function toNumber(text: string, emptyAs: number): number {
  const trimmed = text.trim();
  return trimmed === "" ? emptyAs : Number(trimmed);
}

export type FaultDraftResult = { ok: true; spec: FaultSpec } | { ok: false; field: FaultDraftField; message: string };

export function parseFaultDraft(draft: FaultDraft): FaultDraftResult {
  const percent = toNumber(draft.errorRatePercent, 0);
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    return { ok: false, field: "errorRatePercent", message: "Error rate must be 0 to 100 %" };
  }
  const parsed = faultSpecSchema.safeParse({
    latencyMs: toNumber(draft.latencyMs, 0),
    // Round to a millionth: 33.3 % is 0.333, not 0.33299999999999996.
    errorRate: Math.round(percent * 10_000) / 1_000_000,
    errorStatus: toNumber(draft.errorStatus, Number.NaN),
    hang: draft.hang,
  });
  if (parsed.success) return { ok: true, spec: parsed.data };
  const issue = parsed.error.issues[0];
  const specField = issue?.path[0] as keyof FaultSpec | undefined;
  const field = specField === undefined ? "latencyMs" : SPEC_FIELD_TO_DRAFT[specField];
  return { ok: false, field, message: FIELD_MESSAGE[field] };
}

const FIELD_MESSAGE: Record<FaultDraftField, string> = {
  latencyMs: "Latency must be a whole number of ms, 0 to 60000",
  errorRatePercent: "Error rate must be 0 to 100 %",
  errorStatus: "Error status must be a 5xx code (500–599)",
  hang: "Hang must be on or off",
};

export function fieldLabel(field: FaultDraftField): string {
  return FIELD_LABEL[field];
}

/** Whether a spec injects anything at all. */
export function hasFaults(spec: FaultSpec): boolean {
  return spec.latencyMs > 0 || spec.errorRate > 0 || spec.hang;
}

/** "+200 ms · 50 % → 503 · hangs", or "none". */
export function describeFaultSpec(spec: FaultSpec): string {
  if (!hasFaults(spec)) return "none";
  const parts: string[] = [];
  if (spec.hang) parts.push("hangs every request");
  if (spec.latencyMs > 0) parts.push(`+${spec.latencyMs.toLocaleString("en-US")} ms`);
  if (spec.errorRate > 0) parts.push(`${Number((spec.errorRate * 100).toFixed(2))} % → ${spec.errorStatus}`);
  return parts.join(" · ");
}
