import { describe, expect, it } from "vitest";
import { adminFaultsUrl } from "./forward-faults";

describe("adminFaultsUrl", () => {
  it.each([
    ["http://127.0.0.1:8081", "http://127.0.0.1:8081/admin/faults"],
    ["http://127.0.0.1:8081/", "http://127.0.0.1:8081/admin/faults"],
    ["https://orders.internal/base/", "https://orders.internal/base/admin/faults"],
  ])("appends /admin/faults to %s", (address, expected) => {
    expect(adminFaultsUrl(address)).toBe(expected);
  });

  it.each([
    "http://evil.example/anything?",
    "http://evil.example/anything#",
    "http://evil.example/?x=1",
    "http://user:pass@127.0.0.1:8081",
    "file:///etc/passwd",
    "gopher://127.0.0.1:25",
    "not a url",
  ])("refuses %s", (address) => {
    expect(adminFaultsUrl(address)).toBeUndefined();
  });
});
