import { describe, expect, it } from "vitest";
import { createLogger, formatFields, type LogLevel } from "./logger";

describe("formatFields", () => {
  it("writes key=value pairs, quoting only what needs it and skipping undefined", () => {
    expect(formatFields({ status: 200, path: "/v1/traces", detail: "two words", none: undefined, ok: true })).toBe(
      ' status=200 path=/v1/traces detail="two words" ok=true',
    );
    expect(formatFields({ empty: "", big: 12n, error: new Error("boom") })).toBe(' empty="" big=12 error="boom"');
    expect(formatFields(undefined)).toBe("");
  });
});

describe("createLogger", () => {
  it("drops messages below the level and prefixes the rest", () => {
    const lines: [LogLevel, string][] = [];
    const log = createLogger({ level: "info", name: "test", write: (level, line) => lines.push([level, line]) });
    log.debug("hidden");
    log.info("shown", { n: 1 });
    log.error("bad");
    expect(lines.map(([level]) => level)).toEqual(["info", "error"]);
    expect(lines[0][1]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z INFO {2}\[test\] shown n=1$/);
  });
});
