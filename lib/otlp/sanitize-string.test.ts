import { describe, expect, it } from "vitest";
import { toStorableString } from "./sanitize-string";

/** The replacement copy-encode and attribute-keys used before toStorableString (kept as the oracle). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
function regexStorable(value: string): string {
  return value.replace(LONE_SURROGATE, "\uFFFD").replaceAll("\0", "\uFFFD");
}

describe("toStorableString", () => {
  it("replaces NUL and lone surrogates by U+FFFD and keeps everything else", () => {
    expect(toStorableString("plain")).toBe("plain");
    expect(toStorableString("a\0b\0")).toBe("a\uFFFDb\uFFFD");
    expect(toStorableString("x\uD83Dy")).toBe("x\uFFFDy"); // lone high
    expect(toStorableString("x\uDE00y")).toBe("x\uFFFDy"); // lone low
    expect(toStorableString("\uD83D\uDE00")).toBe("\uD83D\uDE00"); // a pair (😀)
    expect(toStorableString("\uDE00\uD83D")).toBe("\uFFFD\uFFFD"); // reversed pair
    expect(toStorableString("\uD83D\uD83D\uDE00")).toBe("\uFFFD\uD83D\uDE00"); // high, then a pair
    expect(toStorableString("\uD83D\uDE00\uDE00")).toBe("\uD83D\uDE00\uFFFD"); // a pair, then low
    expect(toStorableString("")).toBe("");
  });

  it("matches the former regex replacement on every string of up to 4 tricky code units", () => {
    const units = ["a", "\0", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uFFFD", "é"];
    let strings = [""];
    let checked = 0;
    for (let length = 1; length <= 4; length++) {
      strings = strings.flatMap((prefix) => units.map((unit) => prefix + unit));
      for (const s of strings) {
        expect(toStorableString(s)).toBe(regexStorable(s));
        checked++;
      }
    }
    expect(checked).toBe(8 + 64 + 512 + 4096);
  });
});
