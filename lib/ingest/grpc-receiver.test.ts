import protobuf from "protobufjs/minimal.js";
import { describe, expect, it } from "vitest";
import { encodeRetryStatusDetails, grpcAddress } from "./grpc-receiver";

describe("grpcAddress", () => {
  it("brackets IPv6 literals only", () => {
    expect(grpcAddress("127.0.0.1", 4317)).toBe("127.0.0.1:4317");
    expect(grpcAddress("localhost", 0)).toBe("localhost:0");
    expect(grpcAddress("::", 4317)).toBe("[::]:4317");
    expect(grpcAddress("[::1]", 4317)).toBe("[::1]:4317");
  });
});

describe("encodeRetryStatusDetails", () => {
  it("encodes google.rpc.Status with one Any(google.rpc.RetryInfo{retry_delay})", () => {
    const bytes = encodeRetryStatusDetails(14, "storage unavailable", 3);
    const status = protobuf.Reader.create(bytes);
    expect(status.uint32()).toBe(8);
    expect(status.int32()).toBe(14);
    expect(status.uint32()).toBe(18);
    expect(status.string()).toBe("storage unavailable");
    expect(status.uint32()).toBe(26);
    const any = protobuf.Reader.create(status.bytes());
    expect(status.pos).toBe(status.len);
    expect(any.uint32()).toBe(10);
    expect(any.string()).toBe("type.googleapis.com/google.rpc.RetryInfo");
    expect(any.uint32()).toBe(18);
    const retryInfo = protobuf.Reader.create(any.bytes());
    expect(retryInfo.uint32()).toBe(10);
    const duration = protobuf.Reader.create(retryInfo.bytes());
    expect(duration.uint32()).toBe(8);
    expect(Number(duration.int64())).toBe(3);
  });
});
