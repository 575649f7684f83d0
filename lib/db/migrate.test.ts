import { describe, expect, it } from "vitest";
import { checksumMigration, splitSearchPath } from "@/lib/db/migrate";

describe("splitSearchPath", () => {
  it("parses quoted and unquoted entries", () => {
    expect(splitSearchPath('"$user", public')).toEqual(["$user", "public"]);
    expect(splitSearchPath('"My ""Schema""",Other')).toEqual(['My "Schema"', "other"]);
    expect(splitSearchPath('"t_abc"')).toEqual(["t_abc"]);
  });
});

describe("checksumMigration", () => {
  it("is the sha256 hex of the bytes, as Prisma records it", () => {
    expect(checksumMigration("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(checksumMigration(Buffer.from("abc"))).toBe(checksumMigration("abc"));
  });
});
