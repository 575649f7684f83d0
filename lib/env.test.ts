import { describe, expect, it } from "vitest";
import { ConfigError, parseByteSize, parseDurationMs, parseEnv } from "./env";

describe("parseEnv", () => {
  it("applies defaults when nothing is set", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
    expect(env.BREAKWATER_OTLP_HTTP_PORT).toBe(4318);
    expect(env.BREAKWATER_OTLP_GRPC_PORT).toBe(4317);
    expect(env.BREAKWATER_MAX_BODY_SIZE).toBe(64 * 1024 * 1024);
    expect(env.BREAKWATER_SPAN_RETENTION_HOURS).toBe(48);
    expect(env.BREAKWATER_ROLLUP_RETENTION_DAYS).toBe(30);
    expect(env.BREAKWATER_INGEST_TOKENS).toEqual([]);
    expect(env.BREAKWATER_DEMO).toBe(true);
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });

  it("parses sizes, lists and booleans", () => {
    const env = parseEnv({
      BREAKWATER_MAX_BODY_SIZE: "8MiB",
      BREAKWATER_SPAN_STORAGE_LIMIT: "10 GB",
      BREAKWATER_INGEST_TOKENS: "a, b,,c",
      BREAKWATER_DEMO: "off",
    });
    expect(env.BREAKWATER_MAX_BODY_SIZE).toBe(8 * 1024 * 1024);
    expect(env.BREAKWATER_SPAN_STORAGE_LIMIT).toBe(10 * 1024 ** 3);
    expect(env.BREAKWATER_INGEST_TOKENS).toEqual(["a", "b", "c"]);
    expect(env.BREAKWATER_DEMO).toBe(false);
  });

  it("reports every invalid variable in one clear error", () => {
    let error: unknown;
    try {
      parseEnv({ PORT: "http", DATABASE_URL: "mysql://x", BREAKWATER_MAX_BODY_SIZE: "lots" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain("PORT");
    expect(message).toContain("DATABASE_URL: must be a postgres:// or postgresql:// URL");
    expect(message).toContain('BREAKWATER_MAX_BODY_SIZE: "lots" is not a size');
  });

  it("parses byte sizes with binary units", () => {
    expect(parseByteSize("1024")).toBe(1024);
    expect(parseByteSize("1.5k")).toBe(1536);
    expect(parseByteSize("2 MiB")).toBe(2 * 1024 * 1024);
    expect(parseByteSize("12 parsecs")).toBeUndefined();
  });

  it("parses BREAKWATER_USERS, view access and the session lifetime", () => {
    const env = parseEnv({
      BREAKWATER_USERS: "alice:operator:s3cret, bob:viewer:pa:ss:word ,carol:operator:scrypt$32768$8$1$c2FsdA==$aGFzaA==",
      BREAKWATER_VIEW_ACCESS: "signed-in",
      BREAKWATER_SESSION_TTL: "30m",
    });
    expect(env.BREAKWATER_USERS).toEqual([
      { username: "alice", role: "operator", secret: "s3cret" },
      { username: "bob", role: "viewer", secret: "pa:ss:word" },
      { username: "carol", role: "operator", secret: "scrypt$32768$8$1$c2FsdA==$aGFzaA==" },
    ]);
    expect(env.BREAKWATER_VIEW_ACCESS).toBe("signed-in");
    expect(env.BREAKWATER_SESSION_TTL).toBe(30 * 60_000);
    const defaults = parseEnv({});
    expect(defaults.BREAKWATER_USERS).toEqual([]);
    expect(defaults.BREAKWATER_VIEW_ACCESS).toBe("open");
    expect(defaults.BREAKWATER_SESSION_TTL).toBe(12 * 3_600_000);
    expect(parseDurationMs("7d")).toBe(7 * 86_400_000);
    expect(parseDurationMs("90")).toBe(90_000);
    expect(parseDurationMs("0")).toBeUndefined();
    expect(parseDurationMs("1w")).toBeUndefined();
  });

  it.each([
    ["alice:admin:x", "role must be viewer or operator"],
    ["alice:operator:", "the password is empty"],
    ["alice", "role must be viewer or operator"],
    ["al ice:viewer:x", "a user name is 1-64"],
    ["alice:viewer:x,alice:operator:y", "the user is listed twice"],
  ])("refuses BREAKWATER_USERS=%s with a clear message", (value, message) => {
    expect(() => parseEnv({ BREAKWATER_USERS: value })).toThrow(message);
  });

  it("never echoes a password in a BREAKWATER_USERS error", () => {
    expect(() => parseEnv({ BREAKWATER_USERS: "alice:root:hunter2" })).toThrow(/^(?![\s\S]*hunter2)/);
  });

  it("refuses a bad view access or session lifetime", () => {
    expect(() => parseEnv({ BREAKWATER_VIEW_ACCESS: "private" })).toThrow("BREAKWATER_VIEW_ACCESS");
    expect(() => parseEnv({ BREAKWATER_SESSION_TTL: "soon" })).toThrow('"soon" is not a duration');
  });
});
