import { describe, expect, it } from "vitest";
import { describeFaultError } from "./describe-fault-error";

describe("describeFaultError", () => {
  it("links to sign-in on 401, coming back to the page", () => {
    expect(describeFaultError({ message: "no session", status: 401 }, "payments-1", "/breakers")).toEqual({
      title: "Sign in to change faults",
      detail: "Your session is missing or expired.",
      signInHref: "/login?next=%2Fbreakers",
    });
  });

  it("says operators only on 403 and names the instance on 502", () => {
    expect(describeFaultError({ message: "role viewer", status: 403 }, "payments-1", "/").title).toBe("Operators only");
    const timeout = describeFaultError({ message: "did not answer within 3000 ms", status: 502 }, "payments-1", "/");
    expect(timeout).toEqual({ title: "payments-1 didn't answer", detail: "did not answer within 3000 ms" });
  });

  it("passes other errors through with the server's message", () => {
    expect(describeFaultError({ message: "latencyMs: too big", status: 400 }, "p", "/")).toEqual({
      title: "Could not change the faults",
      detail: "latencyMs: too big",
    });
    expect(describeFaultError({ message: "offline" }, "p", "/").detail).toBe("offline");
  });
});
