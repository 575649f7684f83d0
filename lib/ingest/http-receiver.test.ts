import { describe, expect, it } from "vitest";
import { parseOtlpContentType } from "./http-receiver";
import { describeRejections } from "./ingest-trace-request";

describe("parseOtlpContentType", () => {
  it("maps the OTLP media types, ignoring parameters and case", () => {
    expect(parseOtlpContentType("application/x-protobuf")).toBe("protobuf");
    expect(parseOtlpContentType("application/protobuf")).toBe("protobuf");
    expect(parseOtlpContentType("Application/JSON; charset=utf-8")).toBe("json");
    expect(parseOtlpContentType(" application/json ;charset=UTF-8")).toBe("json");
  });

  it("refuses anything else", () => {
    expect(parseOtlpContentType(undefined)).toBeUndefined();
    expect(parseOtlpContentType("")).toBeUndefined();
    expect(parseOtlpContentType("text/plain")).toBeUndefined();
    expect(parseOtlpContentType("application/jsonl")).toBeUndefined();
    expect(parseOtlpContentType("application/grpc")).toBeUndefined();
  });
});

describe("describeRejections", () => {
  it("is undefined when nothing was rejected", () => {
    expect(describeRejections(0, ["ignored"])).toBeUndefined();
  });

  it("counts and lists the reasons", () => {
    expect(describeRejections(1, [])).toBe("1 span rejected");
    expect(describeRejections(3, ["trace id is all zeros", "span id is empty"])).toBe(
      "3 spans rejected: trace id is all zeros; span id is empty",
    );
  });

  it("caps the message length", () => {
    const message = describeRejections(
      500,
      Array.from({ length: 50 }, (_, i) => `reason ${i} `.repeat(10)),
    );
    expect(message?.length).toBe(1024);
    expect(message?.endsWith("…")).toBe(true);
  });
});
