import { describe, expect, it } from "vitest";
import { isNavItemActive } from "./nav";

describe("isNavItemActive", () => {
  it("matches the overview only on the root path", () => {
    expect(isNavItemActive("/", "/")).toBe(true);
    expect(isNavItemActive("/traces", "/")).toBe(false);
  });

  it("matches a section and its sub-pages but not a longer sibling name", () => {
    expect(isNavItemActive("/traces", "/traces")).toBe(true);
    expect(isNavItemActive("/traces/4bf92f35", "/traces")).toBe(true);
    expect(isNavItemActive("/traces-archive", "/traces")).toBe(false);
  });
});
