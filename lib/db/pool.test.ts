import { describe, expect, it } from "vitest";
import { parseDatabaseUrl, quoteIdent } from "@/lib/db/pool";

describe("parseDatabaseUrl", () => {
  it("removes a Prisma-style ?schema= and keeps other parameters", () => {
    expect(parseDatabaseUrl("postgresql://u@h:1/db?schema=abc&sslmode=disable")).toEqual({
      connectionString: "postgresql://u@h:1/db?sslmode=disable",
      schema: "abc",
    });
    expect(parseDatabaseUrl("postgresql://u:p%40ss@h:1/db")).toEqual({
      connectionString: "postgresql://u:p%40ss@h:1/db",
      schema: undefined,
    });
    expect(parseDatabaseUrl("postgresql://u@h/db?schema=").schema).toBeUndefined();
  });
});

describe("quoteIdent", () => {
  it("double-quotes and escapes embedded quotes", () => {
    expect(quoteIdent("spans")).toBe('"spans"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });
});
