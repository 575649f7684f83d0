import { describe, expect, it } from "vitest";
import { resolveAdvertisedHost } from "./resolve-advertised-host";

describe("resolveAdvertisedHost", () => {
  it("takes the host name from the Host header and drops its port", () => {
    expect(resolveAdvertisedHost("breakwater.internal:3000", "127.0.0.1")).toBe("breakwater.internal");
    expect(resolveAdvertisedHost("10.0.0.7", "0.0.0.0")).toBe("10.0.0.7");
    expect(resolveAdvertisedHost("[::1]:3000", "127.0.0.1")).toBe("[::1]");
  });

  it("falls back to the bind address when the header is missing or unusable", () => {
    expect(resolveAdvertisedHost(null, "192.168.1.20")).toBe("192.168.1.20");
    expect(resolveAdvertisedHost("bad host/x:y", "192.168.1.20")).toBe("192.168.1.20");
    expect(resolveAdvertisedHost("0.0.0.0:3000", "10.1.1.1")).toBe("10.1.1.1");
  });

  it("never advertises a wildcard address", () => {
    expect(resolveAdvertisedHost(undefined, "0.0.0.0")).toBe("localhost");
    expect(resolveAdvertisedHost(undefined, "::")).toBe("localhost");
  });

  it("brackets a bare IPv6 bind address", () => {
    expect(resolveAdvertisedHost(undefined, "fd00::5")).toBe("[fd00::5]");
  });
});
