import { describe, expect, it } from "vitest";
import { faultSpecSchema, NO_FAULTS } from "../../lib/control/contract";
import { faultCheck, statusFromChecks } from "./service-runtime";

describe("statusFromChecks", () => {
  it("is unhealthy on any failing check, degraded on a warning, healthy otherwise", () => {
    expect(statusFromChecks([])).toBe("healthy");
    expect(statusFromChecks([{ name: "db", status: "pass" }])).toBe("healthy");
    expect(
      statusFromChecks([
        { name: "db", status: "pass" },
        { name: "fault-injection", status: "warn" },
      ]),
    ).toBe("degraded");
    expect(
      statusFromChecks([
        { name: "db", status: "fail" },
        { name: "fault-injection", status: "warn" },
      ]),
    ).toBe("unhealthy");
  });
});

describe("faultCheck", () => {
  it("passes without faults and warns, naming them, with faults", () => {
    expect(faultCheck(NO_FAULTS)).toEqual({ name: "fault-injection", status: "pass" });
    expect(faultCheck(faultSpecSchema.parse({ errorRate: 0.5 }))).toEqual({
      name: "fault-injection",
      status: "warn",
      detail: "50 % errors (503)",
    });
  });
});
