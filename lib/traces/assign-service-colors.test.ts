import { describe, expect, it } from "vitest";
import { assignServiceColors, SERVICE_PALETTE } from "./assign-service-colors";

describe("assignServiceColors", () => {
  it("gives each service its own colour by name order, whatever the input order", () => {
    const colors = assignServiceColors(["orders", "gateway", "payments", "gateway"]);
    expect([...colors]).toEqual([
      ["gateway", SERVICE_PALETTE[0]],
      ["orders", SERVICE_PALETTE[1]],
      ["payments", SERVICE_PALETTE[2]],
    ]);
    expect(assignServiceColors(["payments", "orders", "gateway"])).toEqual(colors);
  });

  it("repeats the palette past its end", () => {
    const names = Array.from({ length: SERVICE_PALETTE.length + 1 }, (_, i) => `s${String(i).padStart(2, "0")}`);
    const colors = assignServiceColors(names);
    expect(colors.get(names[SERVICE_PALETTE.length])).toBe(SERVICE_PALETTE[0]);
  });
});
