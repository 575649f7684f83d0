import { describe, expect, it } from "vitest";
import { ConfigError, parseByteSize, parseEnv } from "./env";

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
});
