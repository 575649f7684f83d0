import { describe, expect, it } from "vitest";
import { DatabaseUnavailableError, QueueFullError, isDatabaseUnavailable, isTemporaryWriteFailure } from "./errors";

function pgError(code: string, message = "boom"): Error {
  return Object.assign(new Error(message), { code });
}

describe("isDatabaseUnavailable", () => {
  it("recognizes socket failures", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]) {
      expect(isDatabaseUnavailable(pgError(code)), code).toBe(true);
    }
  });

  it("recognizes a failed dual-stack connect (AggregateError of refusals)", () => {
    const error = new AggregateError([pgError("ECONNREFUSED"), pgError("ECONNREFUSED")], "connect failed");
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("recognizes server shutdown, start-up and connection-class SQLSTATEs", () => {
    for (const code of ["57P01", "57P02", "57P03", "08006", "08003", "08001", "53300", "53100"]) {
      expect(isDatabaseUnavailable(pgError(code)), code).toBe(true);
    }
  });

  it("recognizes node-postgres connection messages", () => {
    for (const message of [
      "Connection terminated unexpectedly",
      "Connection terminated",
      "Client has encountered a connection error and is not queryable",
      "timeout exceeded when trying to connect",
    ]) {
      expect(isDatabaseUnavailable(new Error(message)), message).toBe(true);
    }
    expect(isDatabaseUnavailable(new DatabaseUnavailableError("down"))).toBe(true);
  });

  it("treats data errors and bugs as not unavailability", () => {
    for (const code of ["23505", "22P02", "42P01", "23514", "40P01"]) {
      expect(isDatabaseUnavailable(pgError(code)), code).toBe(false);
    }
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
  });
});

describe("isTemporaryWriteFailure", () => {
  it("recognizes lock and statement timeouts, conflicts and deadlocks", () => {
    for (const code of ["55P03", "57014", "40001", "40P01"]) {
      expect(isTemporaryWriteFailure(pgError(code)), code).toBe(true);
    }
  });

  it("leaves data errors, bugs and connection failures to other handling", () => {
    for (const code of ["23505", "23514", "22P02", "42P01", "54000", "08006", "ECONNREFUSED"]) {
      expect(isTemporaryWriteFailure(pgError(code)), code).toBe(false);
    }
    expect(isTemporaryWriteFailure(new Error("57014"))).toBe(false);
    expect(isTemporaryWriteFailure(undefined)).toBe(false);
    expect(isTemporaryWriteFailure("57014")).toBe(false);
  });
});

describe("ingest errors", () => {
  it("clamp retryAfterSeconds to 1–5 and carry codes", () => {
    expect(new QueueFullError("full", 0).retryAfterSeconds).toBe(1);
    expect(new QueueFullError("full", 3.4).retryAfterSeconds).toBe(3);
    expect(new QueueFullError("full", 60).retryAfterSeconds).toBe(5);
    expect(new QueueFullError("full", Number.NaN).retryAfterSeconds).toBe(5);
    expect(new QueueFullError("full", 2).code).toBe("QUEUE_FULL");
    const down = new DatabaseUnavailableError("down", { cause: new Error("refused") });
    expect(down.retryAfterSeconds).toBe(2);
    expect(down.code).toBe("DATABASE_UNAVAILABLE");
    expect((down.cause as Error).message).toBe("refused");
    expect(new DatabaseUnavailableError("bye", { code: "WRITER_CLOSED" }).code).toBe("WRITER_CLOSED");
  });
});
