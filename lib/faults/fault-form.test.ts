import { describe, expect, it } from "vitest";
import { NO_FAULTS } from "@/lib/control/contract";
import { describeFaultSpec, parseFaultDraft, toFaultDraft } from "./fault-form";

describe("parseFaultDraft", () => {
  it("turns the percentage into a fraction and keeps the other fields", () => {
    expect(parseFaultDraft({ latencyMs: "250", errorRatePercent: "100", errorStatus: "502", hang: false })).toEqual({
      ok: true,
      spec: { latencyMs: 250, errorRate: 1, errorStatus: 502, hang: false },
    });
    expect(parseFaultDraft({ latencyMs: "", errorRatePercent: "33.3", errorStatus: "503", hang: true })).toEqual({
      ok: true,
      spec: { latencyMs: 0, errorRate: 0.333, errorStatus: 503, hang: true },
    });
  });

  it.each([
    [{ latencyMs: "-1" }, "latencyMs"],
    [{ latencyMs: "1.5" }, "latencyMs"],
    [{ latencyMs: "60001" }, "latencyMs"],
    [{ latencyMs: "abc" }, "latencyMs"],
    [{ errorRatePercent: "101" }, "errorRatePercent"],
    [{ errorRatePercent: "-5" }, "errorRatePercent"],
    [{ errorRatePercent: "x" }, "errorRatePercent"],
    [{ errorStatus: "404" }, "errorStatus"],
    [{ errorStatus: "" }, "errorStatus"],
    [{ errorStatus: "503.5" }, "errorStatus"],
  ] as const)("refuses %j, naming %s", (change, field) => {
    const result = parseFaultDraft({ ...toFaultDraft(NO_FAULTS), ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.field).toBe(field);
  });

  it("round-trips a spec through the form", () => {
    const spec = { latencyMs: 1200, errorRate: 0.25, errorStatus: 500, hang: false };
    expect(parseFaultDraft(toFaultDraft(spec))).toEqual({ ok: true, spec });
    expect(toFaultDraft({ ...spec, errorRate: 1 / 3 }).errorRatePercent).toBe("33.3333");
  });
});

describe("describeFaultSpec", () => {
  it("says none for the empty spec and lists what is injected otherwise", () => {
    expect(describeFaultSpec(NO_FAULTS)).toBe("none");
    expect(describeFaultSpec({ latencyMs: 1500, errorRate: 0.5, errorStatus: 502, hang: false })).toBe("+1,500 ms · 50 % → 502");
    expect(describeFaultSpec({ ...NO_FAULTS, hang: true })).toBe("hangs every request");
    // The status alone injects nothing.
    expect(describeFaultSpec({ ...NO_FAULTS, errorStatus: 500 })).toBe("none");
  });
});
