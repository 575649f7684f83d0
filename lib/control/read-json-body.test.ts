import { describe, expect, it } from "vitest";
import { UnsupportedMediaTypeError } from "@/lib/http/errors";
import { isJsonMediaType, readJsonBody } from "./read-json-body";

const LIMIT = { limitBytes: 64, limitName: "TEST_LIMIT" };
const post = (body: BodyInit | null, headers: Record<string, string> = { "content-type": "application/json" }) =>
  new Request("http://x/y", { method: "POST", body, headers });

describe("isJsonMediaType", () => {
  it.each([
    ["application/json", true],
    ["application/json; charset=utf-8", true],
    ["Application/JSON", true],
    ["application/problem+json", true],
    ["text/json", false],
    ["text/plain", false],
    [null, false],
  ])("%s → %s", (type, expected) => {
    expect(isJsonMediaType(type)).toBe(expected);
  });
});

describe("readJsonBody", () => {
  it("parses a JSON body within the limit", async () => {
    expect(await readJsonBody(post('{"a":[1,2]}'), LIMIT)).toEqual({ a: [1, 2] });
  });

  it("refuses other media types and encodings with 415", async () => {
    await expect(readJsonBody(post("{}", { "content-type": "text/plain" }), LIMIT)).rejects.toBeInstanceOf(
      UnsupportedMediaTypeError,
    );
    await expect(
      readJsonBody(post("{}", { "content-type": "application/json", "content-encoding": "gzip" }), LIMIT),
    ).rejects.toBeInstanceOf(UnsupportedMediaTypeError);
  });

  it("refuses bodies over the limit, naming it", async () => {
    await expect(readJsonBody(post(`"${"x".repeat(100)}"`), LIMIT)).rejects.toThrow(
      "body is larger than the limit of 64 bytes (TEST_LIMIT)",
    );
  });

  it("refuses empty, non-UTF-8 and non-JSON bodies", async () => {
    await expect(readJsonBody(post(null), LIMIT)).rejects.toThrow("empty body");
    await expect(readJsonBody(post(new Uint8Array([0x22, 0xff, 0x22])), LIMIT)).rejects.toThrow("not valid UTF-8");
    await expect(readJsonBody(post("{nope"), LIMIT)).rejects.toThrow("body: not valid JSON");
  });
});
