import { describe, expect, it } from "vitest";
import { ValidationError } from "@/lib/http/errors";
import { resolveRequestWindow } from "./request-window";

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const params = (query: string) => new URLSearchParams(query);

describe("resolveRequestWindow", () => {
  it("resolves presets against now, the last hour by default", () => {
    expect(resolveRequestWindow(params(""), NOW)).toEqual({ startMs: NOW - 3_600_000, endMs: NOW });
    expect(resolveRequestWindow(params("range=5m"), NOW)).toEqual({ startMs: NOW - 300_000, endMs: NOW });
  });

  it("takes a custom range as given", () => {
    expect(resolveRequestWindow(params("range=custom&from=2026-11-21T10:00:00Z&to=2026-11-21T11:00:00Z"), NOW)).toEqual({
      startMs: Date.UTC(2026, 10, 21, 10),
      endMs: Date.UTC(2026, 10, 21, 11),
    });
  });

  it("rejects bad ranges, windows over 7 days and times before 1970 with the parameter named", () => {
    expect(() => resolveRequestWindow(params("range=2h"), NOW)).toThrow(ValidationError);
    expect(() => resolveRequestWindow(params("range=2h"), NOW)).toThrow(/^range: /);
    expect(() => resolveRequestWindow(params("range=custom&from=2026-11-01T00:00:00Z&to=2026-11-21T00:00:00Z"), NOW)).toThrow(
      /at most 7 days/,
    );
    expect(() => resolveRequestWindow(params("range=custom&from=-5000&to=1000"), NOW)).toThrow();
  });
});
