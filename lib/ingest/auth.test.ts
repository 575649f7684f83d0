import { describe, expect, it } from "vitest";
import { bearerChallenge, createIngestAuthorizer, parseBearerToken } from "./auth";

describe("parseBearerToken", () => {
  it("reads the token after a case-insensitive Bearer scheme", () => {
    expect(parseBearerToken("Bearer abc123")).toBe("abc123");
    expect(parseBearerToken("bearer  abc123 ")).toBe("abc123");
    expect(parseBearerToken("Basic abc123")).toBeUndefined();
    expect(parseBearerToken("Bearer")).toBeUndefined();
    expect(parseBearerToken("Bearer a b")).toBeUndefined();
    expect(parseBearerToken(undefined)).toBeUndefined();
  });
});

describe("createIngestAuthorizer", () => {
  it("accepts everything when no token is configured", () => {
    const auth = createIngestAuthorizer([]);
    expect(auth.isRequired).toBe(false);
    expect(auth.check(undefined)).toBe("ok");
    expect(auth.check("Bearer whatever")).toBe("ok");
  });

  it("requires one of the configured tokens", () => {
    const auth = createIngestAuthorizer(["first-token", "second-token"]);
    expect(auth.isRequired).toBe(true);
    expect(auth.check("Bearer first-token")).toBe("ok");
    expect(auth.check("Bearer second-token")).toBe("ok");
    expect(auth.check(undefined)).toBe("missing");
    expect(auth.check("Basic first-token")).toBe("missing");
    expect(auth.check("Bearer first-toke")).toBe("invalid");
    expect(auth.check("Bearer first-token-and-more")).toBe("invalid");
    expect(auth.check("Bearer FIRST-TOKEN")).toBe("invalid");
  });

  it("builds RFC 6750 challenges", () => {
    expect(bearerChallenge("missing")).toBe('Bearer realm="breakwater-ingest"');
    expect(bearerChallenge("invalid")).toContain('error="invalid_token"');
  });
});
