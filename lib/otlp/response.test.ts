import { describe, expect, it } from "vitest";
import { ExportTraceServiceResponse, RpcStatus } from "./protobuf";
import { encodeExportResponse, encodeRpcStatus } from "./response";

describe("encodeExportResponse", () => {
  it("encodes a full success as the empty message", () => {
    expect(encodeExportResponse("protobuf", { rejectedSpans: 0 })).toHaveLength(0);
    expect(JSON.parse(encodeExportResponse("json", { rejectedSpans: 0 }).toString())).toEqual({});
  });

  it("encodes a partial success that decodes back with the generated code", () => {
    const bytes = encodeExportResponse("protobuf", { rejectedSpans: 3, errorMessage: "span 1: invalid trace_id" });
    const decoded = ExportTraceServiceResponse.decode(bytes);
    expect(decoded.partialSuccess?.rejectedSpans?.toString()).toBe("3");
    expect(decoded.partialSuccess?.errorMessage).toBe("span 1: invalid trace_id");
  });

  it("encodes OTLP/JSON with lowerCamelCase keys and int64 as a decimal string", () => {
    const json = JSON.parse(encodeExportResponse("json", { rejectedSpans: 2, errorMessage: "bad ids" }).toString());
    expect(json).toEqual({ partialSuccess: { rejectedSpans: "2", errorMessage: "bad ids" } });
  });

  it("sends a message without rejections as a warning (rejected_spans 0)", () => {
    const decoded = ExportTraceServiceResponse.decode(
      encodeExportResponse("protobuf", { rejectedSpans: 0, errorMessage: "slow down" }),
    );
    expect(decoded.partialSuccess?.rejectedSpans?.toString()).toBe("0");
    expect(decoded.partialSuccess?.errorMessage).toBe("slow down");
    expect(JSON.parse(encodeExportResponse("json", { rejectedSpans: 0, errorMessage: "slow down" }).toString())).toEqual({
      partialSuccess: { errorMessage: "slow down" },
    });
  });
});

describe("encodeRpcStatus", () => {
  it("encodes google.rpc.Status in protobuf", () => {
    const decoded = RpcStatus.decode(encodeRpcStatus("protobuf", 3, "invalid OTLP/JSON"));
    expect(decoded.code).toBe(3);
    expect(decoded.message).toBe("invalid OTLP/JSON");
    expect(decoded.details).toEqual([]);
  });

  it("encodes google.rpc.Status as JSON", () => {
    expect(JSON.parse(encodeRpcStatus("json", 14, "database unavailable").toString())).toEqual({
      code: 14,
      message: "database unavailable",
    });
  });
});
