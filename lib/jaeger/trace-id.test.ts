import { describe, expect, it } from "vitest";
import { normalizeTraceId } from "./trace-id";

describe("normalizeTraceId", () => {
  it("accepts 32 hex digits in any case and lowercases them", () => {
    expect(normalizeTraceId("0AF7651916CD43DD8448EB211C80319C")).toBe("0af7651916cd43dd8448eb211c80319c");
  });

  it("left-pads shorter (64-bit) ids like Jaeger", () => {
    expect(normalizeTraceId("8448eb211c80319c")).toBe("00000000000000008448eb211c80319c");
    expect(normalizeTraceId("1")).toBe("00000000000000000000000000000001");
  });

  it("refuses non-hex, too long, empty and all-zero ids", () => {
    for (const bad of ["", "xyz", "0af7651916cd43dd8448eb211c80319c0", "0af76519-16cd-43dd-8448-eb211c80319c", "0", "0000"]) {
      expect(normalizeTraceId(bad), bad).toBeUndefined();
    }
  });
});
