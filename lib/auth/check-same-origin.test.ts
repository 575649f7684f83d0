import { describe, expect, it } from "vitest";
import { findCrossSiteReason } from "./check-same-origin";

const put = (headers: Record<string, string>, url = "http://127.0.0.1:3000/api/v1/x") =>
  new Request(url, { method: "PUT", headers });

describe("findCrossSiteReason", () => {
  it.each([
    ["no browser headers (curl)", {}],
    ["same origin", { origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" }],
    ["typed in / bookmark", { "sec-fetch-site": "none" }],
    ["Origin from the Host header", { origin: "http://localhost:3000", host: "localhost:3000" }],
    [
      "Origin through a proxy",
      { origin: "https://bw.example.com", "x-forwarded-host": "bw.example.com", "x-forwarded-proto": "https" },
    ],
    ["Origin with a trailing slash", { origin: "http://127.0.0.1:3000/" }],
  ])("allows %s", (_name, headers) => {
    expect(findCrossSiteReason(put(headers))).toBeUndefined();
  });

  it.each([
    ["another site", { origin: "https://evil.example" }, "Origin: https://evil.example"],
    ["an opaque origin", { origin: "null" }, "Origin: null"],
    ["another port", { origin: "http://127.0.0.1:3001" }, "Origin: http://127.0.0.1:3001"],
    ["another scheme", { origin: "https://127.0.0.1:3000" }, "Origin: https://127.0.0.1:3000"],
    ["a malformed Origin", { origin: "not a url" }, "malformed Origin"],
    // A proxy names the app's host; only the requester could name another, and a browser
    // cannot add X-Forwarded-* to a cross-site request without a CORS preflight (never granted).
    [
      "another site behind a proxy",
      { origin: "https://evil.example", "x-forwarded-host": "bw.example.com", "x-forwarded-proto": "https" },
      "Origin: https://evil.example",
    ],
    ["an empty Origin", { origin: "" }, "Origin: null"],
    ["Sec-Fetch-Site cross-site", { "sec-fetch-site": "cross-site" }, "Sec-Fetch-Site: cross-site"],
    ["Sec-Fetch-Site same-site", { "sec-fetch-site": "same-site", origin: "http://127.0.0.1:3000" }, "Sec-Fetch-Site: same-site"],
  ])("refuses %s", (_name, headers, reason) => {
    expect(findCrossSiteReason(put(headers))).toContain(reason);
  });
});
