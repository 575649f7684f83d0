import { describe, expect, it } from "vitest";
import { loginPath, safeNextPath } from "./safe-next-path";

describe("safeNextPath", () => {
  it.each([
    ["/traffic?range=15m", "/traffic?range=15m"],
    ["/services/orders#ops", "/services/orders#ops"],
    [["/breakers", "/x"], "/breakers"],
  ])("keeps the same-site path %j", (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it.each([
    undefined,
    null,
    "",
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    // Dot segments that collapse into a protocol-relative "//evil.example".
    "/.//evil.example",
    "/login/..//evil.example",
    "/a/%2e%2e//evil.example",
    "traffic",
    "/login",
    "javascript:alert(1)",
  ])("turns %j into /", (input) => {
    expect(safeNextPath(input)).toBe("/");
  });

  it("builds the sign-in path", () => {
    expect(loginPath("/traffic?range=15m")).toBe("/login?next=%2Ftraffic%3Frange%3D15m");
    expect(loginPath("/")).toBe("/login");
  });
});
