import { describe, expect, it } from "vitest";
import { createLoginThrottle } from "./login-throttle";

describe("createLoginThrottle", () => {
  it("allows 5 failures a minute per name and address, then says how long to wait", () => {
    const throttle = createLoginThrottle();
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) {
      expect(throttle.retryAfterS("alice", "10.0.0.1", t0 + i * 1000)).toBe(0);
      throttle.recordFailure("alice", "10.0.0.1", t0 + i * 1000);
    }
    // The oldest failure (t0) leaves the window at t0 + 60 s.
    expect(throttle.retryAfterS("alice", "10.0.0.1", t0 + 10_000)).toBe(50);
    expect(throttle.retryAfterS("alice", "10.0.0.1", t0 + 59_500)).toBe(1);
    expect(throttle.retryAfterS("alice", "10.0.0.1", t0 + 60_000)).toBe(0);
  });

  it("counts each name+address on its own; names ignore case", () => {
    const throttle = createLoginThrottle({ maxFailures: 2 });
    throttle.recordFailure("Alice", "10.0.0.1", 0);
    throttle.recordFailure("alice", "10.0.0.1", 1);
    expect(throttle.retryAfterS("ALICE", "10.0.0.1", 2)).toBeGreaterThan(0);
    expect(throttle.retryAfterS("alice", "10.0.0.2", 2)).toBe(0);
    expect(throttle.retryAfterS("bob", "10.0.0.1", 2)).toBe(0);
  });

  it("forgets failures after a successful sign-in", () => {
    const throttle = createLoginThrottle({ maxFailures: 1 });
    throttle.recordFailure("alice", "10.0.0.1", 0);
    expect(throttle.retryAfterS("alice", "10.0.0.1", 1)).toBeGreaterThan(0);
    throttle.reset("alice", "10.0.0.1");
    expect(throttle.retryAfterS("alice", "10.0.0.1", 1)).toBe(0);
  });

  it("caps failures per name from any address, as the address (X-Forwarded-For) is the client's to choose", () => {
    const throttle = createLoginThrottle({ maxFailures: 5, maxFailuresPerName: 20 });
    const t0 = 1_000_000;
    for (let i = 0; i < 20; i++) {
      expect(throttle.retryAfterS("alice", `198.51.100.${i}`, t0 + i)).toBe(0);
      throttle.recordFailure("alice", `198.51.100.${i}`, t0 + i);
    }
    // A fresh address does not help, nor does another spelling of the name; other names are unaffected.
    expect(throttle.retryAfterS("alice", "203.0.113.1", t0 + 100)).toBe(60);
    expect(throttle.retryAfterS("ALICE", "203.0.113.2", t0 + 100)).toBe(60);
    expect(throttle.retryAfterS("bob", "203.0.113.1", t0 + 100)).toBe(0);
    // A success from one address forgets that address's failures, not the name's.
    throttle.reset("alice", "198.51.100.0");
    expect(throttle.retryAfterS("alice", "198.51.100.0", t0 + 100)).toBe(60);
    expect(throttle.retryAfterS("alice", "203.0.113.1", t0 + 60_000)).toBe(0);
  });

  it("counts attempts still being checked, so a concurrent burst cannot pass before the first failure lands", () => {
    const throttle = createLoginThrottle({ maxFailures: 5, maxFailuresPerName: 20 });
    const ends = Array.from({ length: 5 }, () => throttle.begin("alice", "10.0.0.1"));
    expect(throttle.retryAfterS("alice", "10.0.0.1", 0)).toBe(1);
    expect(throttle.retryAfterS("alice", "10.0.0.2", 0)).toBe(0);
    for (const end of ends) end();
    ends[0](); // ending twice changes nothing
    expect(throttle.retryAfterS("alice", "10.0.0.1", 0)).toBe(0);
    const many = Array.from({ length: 20 }, (_, i) => throttle.begin("alice", `10.1.0.${i}`));
    expect(throttle.retryAfterS("alice", "10.2.0.1", 0)).toBe(1);
    for (const end of many) end();
    expect(throttle.retryAfterS("alice", "10.2.0.1", 0)).toBe(0);
  });
});
