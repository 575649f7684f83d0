import { describe, expect, it } from "vitest";
import { clearedSessionCookieHeader, hashSessionToken, parseSessionToken, sessionCookieHeader } from "./session-cookie";

const TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";

describe("session cookie", () => {
  it("reads the token among other cookies, and only a well-formed one", () => {
    expect(parseSessionToken(`theme=dark; bw_session=${TOKEN}; x=1`)).toBe(TOKEN);
    expect(parseSessionToken("bw_session=short")).toBeUndefined();
    expect(parseSessionToken(`other_bw_session=${TOKEN}`)).toBeUndefined();
    expect(parseSessionToken(null)).toBeUndefined();
  });

  it("is HttpOnly, SameSite=Strict, Path=/, Secure only over https", () => {
    const http = sessionCookieHeader(new Request("http://127.0.0.1:3000/"), TOKEN, 12 * 3_600_000);
    expect(http).toBe(`bw_session=${TOKEN}; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict`);
    const proxied = new Request("http://127.0.0.1:3000/", { headers: { "x-forwarded-proto": "https" } });
    expect(sessionCookieHeader(proxied, TOKEN, 1000)).toContain("; Secure");
    expect(clearedSessionCookieHeader(proxied)).toMatch(/^bw_session=; Max-Age=0; .*; Secure$/);
  });

  it("stores a SHA-256, never the token", () => {
    expect(hashSessionToken(TOKEN)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(TOKEN)).not.toContain(TOKEN);
  });
});
