import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, toProblem } from "./problem";

const withCode = (code: string) => Object.assign(new Error("boom"), { code });

describe("isDatabaseUnavailable", () => {
  it("recognises refused connections and PostgreSQL connection SQLSTATEs", () => {
    expect(isDatabaseUnavailable(withCode("ECONNREFUSED"))).toBe(true);
    expect(isDatabaseUnavailable(withCode("57P01"))).toBe(true);
    expect(isDatabaseUnavailable(withCode("08006"))).toBe(true);
    expect(isDatabaseUnavailable(withCode("P1001"))).toBe(true); // Prisma: can't reach database server
    expect(isDatabaseUnavailable(new AggregateError([withCode("ECONNREFUSED")], "all failed"))).toBe(true);
  });

  it("does not treat query errors or plain errors as an outage", () => {
    expect(isDatabaseUnavailable(withCode("42P01"))).toBe(false);
    expect(isDatabaseUnavailable(new Error("bug"))).toBe(false);
    expect(isDatabaseUnavailable("text")).toBe(false);
  });
});

describe("toProblem", () => {
  it("answers 503 for an unreachable database and 500 otherwise, with the request id and no internals", () => {
    const down = toProblem(withCode("ECONNREFUSED"), "req-1");
    expect(down).toMatchObject({ status: 503, title: "Database unavailable" });
    expect(down.detail).toContain("req-1");

    const bug = toProblem(new Error("relation \"secret_table\" does not exist"), "req-2");
    expect(bug.status).toBe(500);
    expect(bug.detail).toContain("req-2");
    expect(bug.detail).not.toContain("secret_table");
  });
});
