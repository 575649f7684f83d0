import { describe, expect, it } from "vitest";
import {
  ATTRIBUTE_KEY_MAX_LENGTH,
  AttributeKeyDictionary,
  collectStoredKeyIds,
  compareJsonbKeys,
  decodeAttributeKeys,
  encodeAttributeKeys,
  encodeAttributesJson,
  storedKeyId,
} from "./attribute-keys";

describe("storedKeyId", () => {
  it("reads ids only from all-digit keys", () => {
    expect(storedKeyId("7")).toBe(7);
    expect(storedKeyId("50000")).toBe(50000);
    expect(storedKeyId("~7")).toBeUndefined();
    expect(storedKeyId("")).toBeUndefined();
    expect(storedKeyId("7a")).toBeUndefined();
    expect(storedKeyId("-1")).toBeUndefined();
    expect(storedKeyId("http.method")).toBeUndefined();
  });
});

describe("decodeAttributeKeys", () => {
  const names = new Map([
    [1, "http.request.method"],
    [2, "7"],
    [3, "~tilde"],
    [4, "url.path"],
  ]);

  it("maps ids back to keys, strips the literal prefix, keeps numeric-looking and tilde keys apart", () => {
    expect(decodeAttributeKeys({ "1": "GET", "2": "seven", "3": "t", "~user.123.flag": true, "~~x": 1 }, names)).toEqual({
      "http.request.method": "GET",
      "7": "seven",
      "~tilde": "t",
      "user.123.flag": true,
      "~x": 1,
    });
  });

  it("reads a numeric-looking key stored literally as that key, not as an id", () => {
    expect(decodeAttributeKeys({ "~4": "literal four" }, names)).toEqual({ "4": "literal four" });
  });

  it("keeps a stored key it cannot map as it is", () => {
    expect(decodeAttributeKeys({ "99": "x", plain: "y" }, names)).toEqual({ "99": "x", plain: "y" });
  });

  it("returns keys in jsonb order (shorter UTF-8 first, then bytewise)", () => {
    const decoded = decodeAttributeKeys({ "1": "GET", "4": "/a", "~ab": 1, "~b": 2, "~é": 3 }, names);
    // "7"-like integer keys aside, JS keeps insertion order: that must be jsonb's.
    expect(Object.keys(decoded)).toEqual(["b", "ab", "é", "url.path", "http.request.method"]);
  });
});

describe("compareJsonbKeys", () => {
  it("orders by UTF-8 length, then bytes", () => {
    expect(["bb", "a", "é", "ab"].sort(compareJsonbKeys)).toEqual(["a", "ab", "bb", "é"]);
    // U+FF61 (3 bytes) sorts after U+1F680 (4 bytes, a surrogate pair in UTF-16) only by length.
    expect(["\u{1F680}", "\uFF61"].sort(compareJsonbKeys)).toEqual(["\uFF61", "\u{1F680}"]);
  });
});

describe("collectStoredKeyIds", () => {
  it("collects the ids of an object's keys and ignores everything else", () => {
    const ids = new Set<number>();
    collectStoredKeyIds({ "3": 1, "~x": 2, "12": 3 }, ids);
    collectStoredKeyIds(null, ids);
    collectStoredKeyIds(["5"], ids);
    collectStoredKeyIds("7", ids);
    expect([...ids].sort((a, b) => a - b)).toEqual([3, 12]);
  });
});

describe("encoding with an empty dictionary", () => {
  it("reports every key as missing and stores over-long keys literally without asking", () => {
    const dictionary = new AttributeKeyDictionary();
    const long = "k".repeat(ATTRIBUTE_KEY_MAX_LENGTH + 1);
    const missing = new Set<string>();
    const json = encodeAttributesJson(dictionary, { a: 1, [long]: "v" }, missing);
    expect([...missing]).toEqual(["a"]);
    expect(JSON.parse(json)).toEqual({ "?": 1, [`~${long}`]: "v" });
    const copy = encodeAttributeKeys(dictionary, { b: true, [long]: 2 }, missing);
    expect([...missing]).toEqual(["a", "b"]);
    expect(copy).toEqual({ "?": true, [`~${long}`]: 2 });
  });

  it("skips undefined values like JSON.stringify", () => {
    const missing = new Set<string>();
    const long = "k".repeat(ATTRIBUTE_KEY_MAX_LENGTH + 1);
    const attributes = { [long]: 1, gone: undefined } as unknown as Record<string, number>;
    expect(encodeAttributesJson(new AttributeKeyDictionary(), attributes, missing)).toBe(JSON.stringify({ [`~${long}`]: 1 }));
    expect(missing.size).toBe(0);
  });
});
