import { describe, expect, it } from "vitest";
import { buildContentSecurityPolicy } from "./build-content-security-policy";
import { createCspNonce } from "./create-csp-nonce";

/** The policy as directive name → sources. */
function parsePolicy(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name === undefined || name === "") continue;
    expect(directives.has(name), `directive ${name} appears once`).toBe(false);
    directives.set(name, sources);
  }
  return directives;
}

describe("buildContentSecurityPolicy", () => {
  const nonce = createCspNonce();

  it("lets scripts run only with the request's nonce or when loaded by one", () => {
    const policy = parsePolicy(buildContentSecurityPolicy({ nonce, isDev: false }));
    expect(policy.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'self'"]);
  });

  it("allows eval only in dev mode, where React needs it", () => {
    expect(parsePolicy(buildContentSecurityPolicy({ nonce, isDev: false })).get("script-src")).not.toContain("'unsafe-eval'");
    expect(parsePolicy(buildContentSecurityPolicy({ nonce, isDev: true })).get("script-src")).toContain("'unsafe-eval'");
  });

  it("forbids framing and keeps requests, forms and images same-origin (plus data:/blob: images for exports)", () => {
    const policy = parsePolicy(buildContentSecurityPolicy({ nonce, isDev: false }));
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    expect(policy.get("img-src")).toEqual(["'self'", "data:", "blob:"]);
  });

  it("allows inline styles without a style nonce, which would switch 'unsafe-inline' off", () => {
    const styles = parsePolicy(buildContentSecurityPolicy({ nonce, isDev: false })).get("style-src");
    expect(styles).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it("refuses a nonce that could smuggle in another directive", () => {
    expect(() => buildContentSecurityPolicy({ nonce: "abc'; script-src *", isDev: false })).toThrow(/nonce/);
    expect(() => buildContentSecurityPolicy({ nonce: "short", isDev: false })).toThrow(/nonce/);
  });
});

describe("createCspNonce", () => {
  it("gives 128 random bits as base64, different every call", () => {
    const nonces = new Set(Array.from({ length: 100 }, () => createCspNonce()));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    }
  });
});
