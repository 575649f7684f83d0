import { describe, expect, it } from "vitest";
import { formatAttributeFilter, parseAttributeFilter } from "./parse-attribute-filter";

const parse = (text: string) => {
  const result = parseAttributeFilter(text);
  if (!result.ok) throw new Error(result.error);
  return result.filter;
};

describe("parseAttributeFilter", () => {
  it("reads presence and absence", () => {
    expect(parse("breakwater.fallback")).toEqual({ key: "breakwater.fallback", test: { op: "exists" }, isNegated: false });
    expect(parse(" !breakwater.fallback ")).toEqual({ key: "breakwater.fallback", test: { op: "exists" }, isNegated: true });
  });

  it("reads equality with OR between values", () => {
    expect(parse("http.response.status_code=500|503")).toEqual({
      key: "http.response.status_code",
      test: { op: "in", values: ["500", "503"] },
      isNegated: false,
    });
    expect(parse("k = a | b | a")).toEqual({ key: "k", test: { op: "in", values: ["a", "b"] }, isNegated: false });
  });

  it("tells key!=v (present, other value) from !key=v (anything but v, absence included)", () => {
    expect(parse("breakwater.retry.attempt!=0")).toEqual({
      key: "breakwater.retry.attempt",
      test: { op: "notIn", values: ["0"] },
      isNegated: false,
    });
    expect(parse("!breakwater.retry.attempt=0")).toEqual({
      key: "breakwater.retry.attempt",
      test: { op: "in", values: ["0"] },
      isNegated: true,
    });
  });

  it("reads numeric comparisons, longest operator first", () => {
    expect(parse("breakwater.retry.attempt>0")).toEqual({
      key: "breakwater.retry.attempt",
      test: { op: "compare", comparator: ">", value: 0 },
      isNegated: false,
    });
    expect(parse("d>=1.5e3").test).toEqual({ op: "compare", comparator: ">=", value: 1500 });
    expect(parse("d<-2").test).toEqual({ op: "compare", comparator: "<", value: -2 });
    expect(parse("d<=.5").test).toEqual({ op: "compare", comparator: "<=", value: 0.5 });
  });

  it("keeps an empty value (an attribute set to the empty string) and escaped pipes", () => {
    expect(parse("k=").test).toEqual({ op: "in", values: [""] });
    expect(parse("q=a\\|b|c\\\\").test).toEqual({ op: "in", values: ["a|b", "c\\"] });
    expect(parse("x=<img src=x onerror=alert(1)>").test).toEqual({ op: "in", values: ["<img src=x onerror=alert(1)>"] });
  });

  it("refuses what it cannot read, with a reason", () => {
    for (const text of ["", "   ", "=5", "!", "!=3", "k>abc", "k<", "!k!=1", "k=a||b"]) {
      const result = parseAttributeFilter(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
    }
    expect(parseAttributeFilter(`k=${"v|".repeat(60)}v`).ok).toBe(false);
    expect(parseAttributeFilter(`k=${"v".repeat(2_000)}`).ok).toBe(false);
  });

  it("round-trips through formatAttributeFilter", () => {
    for (const text of ["a", "!a", "a=1|2", "a!=x", "!a=x|y", "a>=3", "!a<1", "a=p\\|q|r\\\\", "a="]) {
      const filter = parse(text);
      expect(parse(formatAttributeFilter(filter))).toEqual(filter);
    }
    expect(formatAttributeFilter(parse(" k = a | b "))).toBe("k=a|b");
  });
});
