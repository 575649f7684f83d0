import { expect, type Page, type Response, test } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import { demoShapeRequests } from "../lib/queries/topology-test-fixtures";

/**
 * Security headers: every page carries a Content-Security-Policy with a fresh nonce (proxy.ts),
 * frame-ancestors 'none', nosniff and a referrer policy, and renders and works under it (no CSP
 * violation while loading, navigating and exporting the graph); API and OTLP answers carry
 * nosniff and a policy for non-documents. Services are named "sh-…" (shared database).
 */

const webUrl = process.env.BREAKWATER_E2E_WEB_URL ?? "http://127.0.0.1:3100";
const otlpHttpUrl = process.env.BREAKWATER_E2E_OTLP_HTTP_URL ?? "http://127.0.0.1:14318";
const SCREENSHOT_DIR = "test-results/screenshots";
const PREFIX = "sh-";
const CSP_MARKER = "[csp-violation]";
const NONCE = /'nonce-([A-Za-z0-9+/]+={0,2})'/;

const PAGES = [
  "/",
  "/topology?range=15m",
  "/services",
  `/services/${PREFIX}orders`,
  "/traces",
  "/breakers",
  "/traffic",
  "/login",
] as const;

/**
 * Collects CSP violations for the whole test: the console lines Chromium writes, and every
 * securitypolicyviolation event (an init script, which CSP does not govern, forwards them to
 * the console so they survive navigations). Page errors count too: a blocked eval throws.
 */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (text.startsWith(CSP_MARKER) || /Content Security Policy/i.test(text)) violations.push(text);
  });
  page.on("pageerror", (error) => {
    if (/Content Security Policy|EvalError/i.test(error.message)) violations.push(`page error: ${error.message}`);
  });
  await page.addInitScript((marker) => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(
        `${marker} ${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  }, CSP_MARKER);
  return violations;
}

function expectPageHeaders(response: Response | null): string {
  expect(response, "navigation response").not.toBeNull();
  const headers = response!.headers();
  const policy = headers["content-security-policy"] ?? "";
  const nonce = NONCE.exec(policy)?.[1];
  expect(nonce, `CSP with a nonce on ${response!.url()}: ${policy}`).toBeDefined();
  expect(policy).toMatch(/(^|;\s*)script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
  expect(policy).toMatch(/(^|;\s*)frame-ancestors 'none'(;|$)/);
  expect(policy).toMatch(/(^|;\s*)object-src 'none'(;|$)/);
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toMatch(/^(strict-origin-when-cross-origin|no-referrer)$/);
  expect(headers["x-frame-options"]).toBe("DENY");
  return nonce!;
}

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-1280x800.png` });
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  // The demo shop's call graph, 30 s ago, so Topology and a service page have something to draw.
  for (const request of demoShapeRequests(Date.now() - 30_000, PREFIX)) {
    const response = await fetch(`${otlpHttpUrl}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
    expect(response.status, await response.text()).toBe(200);
  }
});

test("every page has a CSP with a fresh nonce on its scripts, and renders without a violation", async ({ page }) => {
  const violations = await watchCsp(page);
  for (const path of PAGES) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    const nonce = expectPageHeaders(response);

    // Next.js put this request's nonce on every script it wrote into the document.
    const html = await response!.text();
    const scriptTags = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scriptTags.length, `${path} has scripts`).toBeGreaterThan(0);
    for (const tag of scriptTags) expect(tag, path).toContain(`nonce="${nonce}"`);

    // A second load gets another nonce.
    const again = await page.request.get(path);
    expect(NONCE.exec(again.headers()["content-security-policy"] ?? "")?.[1], `second nonce on ${path}`).not.toBe(nonce);

    await expect(page.locator("h1").first(), path).toBeVisible();
    // Hydrated: React attached its handlers (a blocked script would leave the page static).
    await expect
      .poll(() => page.evaluate(() => Object.keys(document.body).some((key) => key.startsWith("__react"))), { message: path })
      .toBe(true);
  }
  expect(violations).toEqual([]);
});

test("client-side navigation loads its chunks under the policy", async ({ page }) => {
  const violations = await watchCsp(page);
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const [name, url] of [
    ["Traces", /\/traces/],
    ["Breakers", /\/breakers/],
    ["Topology", /\/topology/],
    ["Services", /\/services/],
  ] as const) {
    await expect(async () => {
      await nav.getByRole("link", { name }).click();
      await expect(page).toHaveURL(url, { timeout: 2_000 });
    }).toPass({ timeout: 15_000 });
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  }
  expect(violations).toEqual([]);
});

test("Topology draws the graph and exports PNG and SVG without a violation", async ({ page }) => {
  const violations = await watchCsp(page);
  const response = await page.goto(`/topology?range=15m&focus=${PREFIX}orders&hops=1`);
  expectPageHeaders(response);
  const graph = page.getByTestId("topology-graph");
  await expect(graph.locator(`[data-testid="topology-node"][data-node-id="${PREFIX}orders"]`)).toBeVisible();
  await screenshot(page, "security-headers-topology");

  const exports = page.getByRole("group", { name: "Export the graph" });
  const [png] = await Promise.all([page.waitForEvent("download"), exports.getByRole("button", { name: "PNG" }).click()]);
  const pngBytes = readFileSync(await png.path());
  expect(pngBytes.subarray(1, 4).toString()).toBe("PNG");
  expect(pngBytes.length).toBeGreaterThan(5_000);
  const [svg] = await Promise.all([page.waitForEvent("download"), exports.getByRole("button", { name: "SVG" }).click()]);
  expect(readFileSync(await svg.path(), "utf8")).toContain(`${PREFIX}orders`);
  await expect(page.getByText(/Export failed/)).toHaveCount(0);
  expect(violations).toEqual([]);
});

test("a service page draws its charts without a violation", async ({ page }) => {
  const violations = await watchCsp(page);
  expectPageHeaders(await page.goto(`/services/${PREFIX}orders?range=15m`));
  await expect(page.getByRole("heading", { level: 1, name: `${PREFIX}orders` })).toBeVisible();
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await screenshot(page, "security-headers-service");
  expect(violations).toEqual([]);
});

test("the policy is enforced: a script or event handler injected into the page does not run", async ({ page }) => {
  const violations = await watchCsp(page);
  // A reflected or stored XSS as the browser sees it: markup in the server's HTML, under the server's headers.
  await page.route(/\/traces$/, async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace(
      "</head>",
      `<script>window.injectedScript = true</script><script src="/api/v1/info"></script></head>`,
    );
    await route.fulfill({ response, body: html });
  });
  expectPageHeaders(await page.goto("/traces"));
  await expect(page.getByRole("heading", { level: 1, name: "Traces" })).toBeVisible();
  // The DOM-based kind: an event handler in markup that client code puts into the page.
  await page.evaluate(() => {
    const holder = document.createElement("div");
    holder.innerHTML = `<img src="data:," alt="" onerror="window.injectedHandler = true">`;
    document.body.append(holder);
  });
  await expect.poll(() => violations.length).toBeGreaterThanOrEqual(3);
  const ran = await page.evaluate(() => {
    const flags = window as unknown as { injectedScript?: boolean; injectedHandler?: boolean };
    return { script: flags.injectedScript === true, handler: flags.injectedHandler === true };
  });
  expect(ran).toEqual({ script: false, handler: false });
  const reported = violations.filter((line) => line.startsWith(CSP_MARKER));
  expect(reported).toEqual(
    expect.arrayContaining([
      expect.stringContaining("script-src-elem blocked inline"),
      expect.stringContaining("script-src-elem blocked http://127.0.0.1"),
      expect.stringContaining("script-src-attr blocked inline"),
    ]),
  );
  for (const line of reported) expect(line).toMatch(/ script-src-(elem|attr) blocked /);
});

test("a missing page's 404 carries the page policy too", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  expectPageHeaders(response);
});

test("API answers carry nosniff, the referrer policy and a policy for non-documents", async ({ request }) => {
  for (const path of ["/api/v1/info", "/api/v1/services/does-not-exist"]) {
    const response = await request.get(path);
    const headers = response.headers();
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(headers["content-security-policy"], path).toBe("default-src 'none'; frame-ancestors 'none'");
  }
});

test("OTLP/HTTP answers on both ports carry nosniff and the referrer policy", async () => {
  const [request] = demoShapeRequests(Date.now() - 10_000, PREFIX);
  for (const base of [otlpHttpUrl, webUrl]) {
    const accepted = await fetch(`${base}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
    const refused = await fetch(`${base}/v1/traces`, { method: "GET" });
    for (const [response, status] of [
      [accepted, 200],
      [refused, 405],
    ] as const) {
      expect(response.status, base).toBe(status);
      expect(response.headers.get("x-content-type-options"), base).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), base).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("content-security-policy"), base).toBe("default-src 'none'; frame-ancestors 'none'");
      await response.arrayBuffer();
    }
  }
});
