import { describe, expect, it } from "vitest";
import { HEARTBEAT_MAX_AGE_MS, HEARTBEAT_MAX_FUTURE_MS } from "./contract";
import { checkSentAt, describeStatusChange } from "./record-heartbeat";

describe("checkSentAt", () => {
  const now = Date.parse("2026-11-21T10:00:00Z");
  const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();

  it("accepts the allowed skew either way", () => {
    expect(() => checkSentAt(at(HEARTBEAT_MAX_FUTURE_MS), now)).not.toThrow();
    expect(() => checkSentAt(at(-HEARTBEAT_MAX_AGE_MS), now)).not.toThrow();
  });

  it("refuses beats too far ahead or behind, naming sentAt and the limit", () => {
    expect(() => checkSentAt(at(HEARTBEAT_MAX_FUTURE_MS + 1), now)).toThrow(
      `sentAt: ${at(HEARTBEAT_MAX_FUTURE_MS + 1)} is ${HEARTBEAT_MAX_FUTURE_MS + 1} ms ahead`,
    );
    expect(() => checkSentAt(at(-HEARTBEAT_MAX_AGE_MS - 1), now)).toThrow(`older than ${HEARTBEAT_MAX_AGE_MS} ms`);
  });
});

describe("describeStatusChange", () => {
  it.each([
    [undefined, "healthy", "registered, reported healthy"],
    [{ status: "deregistered", reportedStatus: "healthy" }, "healthy", "re-registered, reported healthy"],
    [{ status: "unhealthy", reportedStatus: "healthy" }, "degraded", "heartbeats resumed, reported degraded"],
    [{ status: "unhealthy", reportedStatus: "unhealthy" }, "healthy", "reported healthy"],
    [{ status: "healthy", reportedStatus: "healthy" }, "unhealthy", "reported unhealthy"],
  ] as const)("%j → %s", (previous, reported, expected) => {
    expect(describeStatusChange(previous, reported)).toBe(expected);
  });
});
