import { describe, expect, it } from "vitest";
import { hashPassword, hasCurrentParameters, isPasswordHash, verifyPassword } from "./hash-password";

describe("hashPassword / verifyPassword", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery staple");
    // OWASP's 32 MiB setting (N=2^15, r=8, p=3), as strong as its floor N=2^17, r=8, p=1.
    expect(stored).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts every hash, so the same password hashes differently", async () => {
    const [a, b] = await Promise.all([hashPassword("same"), hashPassword("same")]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same", a)).toBe(true);
    expect(await verifyPassword("same", b)).toBe(true);
  });

  it("treats canonically equivalent Unicode spellings as the same password", async () => {
    const stored = await hashPassword("caf\u00e9");
    expect(await verifyPassword("cafe\u0301", stored)).toBe(true);
  });

  it("reads the parameters from the hash (a cheaper stored hash still verifies)", async () => {
    // scrypt N=1024 r=8 p=1 of "pw" with salt "0123456789abcdef", computed once with node:crypto.
    const { scryptSync } = await import("node:crypto");
    const salt = Buffer.from("0123456789abcdef");
    const key = scryptSync("pw", salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = `scrypt$1024$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
    expect(isPasswordHash(stored)).toBe(true);
    expect(await verifyPassword("pw", stored)).toBe(true);
    expect(await verifyPassword("px", stored)).toBe(false);
    // Not what new hashes use: start-up rehashes such a configured password.
    expect(hasCurrentParameters(stored)).toBe(false);
    expect(hasCurrentParameters(await hashPassword("pw"))).toBe(true);
  });

  it.each([
    "plaintext",
    "scrypt$",
    "scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", // N not a power of two
    "scrypt$2097152$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", // N too large (memory)
    "scrypt$1024$8$1$$aGFzaGhhc2hoYXNoaGFzaA==", // no salt
    "bcrypt$1024$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==",
  ])("rejects a malformed or foreign hash %s", async (stored) => {
    expect(isPasswordHash(stored)).toBe(false);
    expect(await verifyPassword("anything", stored)).toBe(false);
  });
});
