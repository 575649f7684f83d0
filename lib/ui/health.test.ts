import { describe, expect, it } from "vitest";
import { classifyErrors, classifyHealth } from "./health";

const stats = (calls: number, errors: number) => ({ calls, errorRate: calls === 0 ? null : errors / calls });

describe("classifyHealth", () => {
  it("is neutral without calls", () => {
    expect(classifyHealth(stats(0, 0))).toBe("no_traffic");
  });

  it("uses Kiali's thresholds: degraded from 0.1 %, failing from 10 %", () => {
    expect(classifyHealth(stats(10_000, 0))).toBe("healthy");
    expect(classifyHealth(stats(10_000, 9))).toBe("healthy"); // 0.09 %
    expect(classifyHealth(stats(10_000, 10))).toBe("degraded"); // 0.1 % exactly
    expect(classifyHealth(stats(1_000, 99))).toBe("degraded"); // 9.9 %
    expect(classifyHealth(stats(1_000, 100))).toBe("failing"); // 10 % exactly
    expect(classifyHealth(stats(3, 3))).toBe("failing");
  });
});

describe("classifyErrors", () => {
  it("applies the same thresholds to counts", () => {
    expect(classifyErrors(0, 0)).toBe("no_traffic");
    expect(classifyErrors(0, 50)).toBe("healthy");
    expect(classifyErrors(9, 10_000)).toBe("healthy");
    expect(classifyErrors(1, 1_000)).toBe("degraded");
    expect(classifyErrors(4, 80)).toBe("degraded"); // 5 %: red on the Overview before, amber now
    expect(classifyErrors(1, 10)).toBe("failing");
  });
});
