import { describe, expect, it } from "vitest";
import { firstParam, toSearchParams, withSearchParam } from "./search-params";

describe("withSearchParam", () => {
  it("sets a parameter and keeps the others", () => {
    expect(withSearchParam("?sort=name", "refresh", "off")).toBe("?sort=name&refresh=off");
    expect(withSearchParam("", "refresh", "off")).toBe("?refresh=off");
    expect(withSearchParam("?refresh=5s&sort=name", "refresh", "off")).toBe("?refresh=off&sort=name");
  });

  it("removes a parameter for null and drops an empty query string", () => {
    expect(withSearchParam("?refresh=off", "refresh", null)).toBe("");
    expect(withSearchParam("?refresh=off&sort=spans", "refresh", null)).toBe("?sort=spans");
  });
});

describe("firstParam", () => {
  it("takes the first of repeated values", () => {
    expect(firstParam(["a", "b"])).toBe("a");
    expect(firstParam("a")).toBe("a");
    expect(firstParam(undefined)).toBeUndefined();
  });
});

describe("toSearchParams", () => {
  it("takes the first value of each parameter", () => {
    expect(toSearchParams({ range: ["6h", "1h"], sort: "rate", dir: undefined }).toString()).toBe("range=6h&sort=rate");
  });
});
