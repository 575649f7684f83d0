import { expect, type Page, test } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { newSpanId, newTraceId, postTraces, SPAN_KIND, span, storefrontCheckoutTrace } from "./otlp";

/**
 * The Overview journey on a fresh database: the setup guide while nothing has arrived, the
 * services appearing live after a real OTLP/JSON trace, and pausing the refresh. The tests
 * build on each other's data, so they run in order and stop at the first failure.
 */

const webUrl = process.env.BREAKWATER_E2E_WEB_URL ?? "http://127.0.0.1:3100";
const otlpHttpUrl = process.env.BREAKWATER_E2E_OTLP_HTTP_URL ?? "http://127.0.0.1:14318";
const SCREENSHOT_DIR = "test-results/screenshots";

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
] as const;

async function screenshotAtViewports(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-${viewport.width}x${viewport.height}.png`, fullPage: true });
  }
}

const serviceRow = (page: Page, name: string) =>
  page.getByTestId("service-row").filter({ has: page.getByText(name, { exact: true }) });

test.describe.configure({ mode: "serial" });

test("with no data, the Overview explains where to send spans", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/");

  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "No spans received yet" })).toBeVisible();
  await expect(page.getByTestId("endpoint-otlp-http")).toHaveText(otlpHttpUrl);
  await expect(page.getByTestId("endpoint-otlp-grpc")).toHaveText("http://127.0.0.1:14317");
  await expect(page.getByTestId("endpoint-web")).toHaveText(`${webUrl}/v1/traces`);
  await expect(page.getByText("No ingest token is required by this server.")).toBeVisible();

  const panel = page.getByRole("tabpanel");
  await expect(panel).toContainText(`OTEL_EXPORTER_OTLP_ENDPOINT=${otlpHttpUrl}`);
  await expect(panel).toContainText("OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf");

  // Tabs work from the keyboard (arrow keys) as well as by clicking.
  await page.getByRole("tab", { name: "SDK · HTTP" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("tab", { name: "SDK · gRPC" })).toBeFocused();
  await expect(panel).toContainText("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:14317");
  await page.getByRole("tab", { name: "Collector" }).click();
  await expect(panel).toContainText("otlphttp/breakwater:");
  await expect(panel).toContainText(`endpoint: ${otlpHttpUrl}`);

  // Copy puts the exact endpoint on the clipboard.
  await page.getByRole("button", { name: "Copy OTLP/HTTP endpoint" }).click();
  await expect(page.getByRole("button", { name: "Copied OTLP/HTTP endpoint" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(otlpHttpUrl);

  await page.getByRole("tab", { name: "SDK · HTTP" }).click();
  await screenshotAtViewports(page, "overview-empty");
});

test("services appear with their span counts as soon as a trace arrives, without a reload", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "No spans received yet" })).toBeVisible();
  // A marker on window survives anything but a reload. (framenavigated is no use here: Next.js
  // calls history.replaceState when it hydrates, which a busy machine delays past this point.)
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

  // A real trace through the web port's OTLP endpoint: storefront calls checkout.
  await postTraces(webUrl, storefrontCheckoutTrace());

  await expect(serviceRow(page, "storefront")).toBeVisible();
  await expect(serviceRow(page, "checkout")).toBeVisible();
  await expect(page.getByTestId("service-row")).toHaveCount(2);
  await expect(serviceRow(page, "storefront").getByRole("cell").first()).toHaveText("2");
  await expect(serviceRow(page, "checkout").getByRole("cell").first()).toHaveText("3");
  await expect(serviceRow(page, "checkout").getByRole("cell").nth(1)).toHaveText(/^(just now|\d+ s ago)$/);
  expect(await page.evaluate(() => (window as Window & { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // The stat tiles agree with the table.
  await expect(page.getByRole("definition").filter({ hasText: /^5$/ })).toBeVisible();

  // Sorting by span count puts checkout first, and the choice lands in the URL.
  await page.getByRole("button", { name: "Spans" }).click();
  await expect(page).toHaveURL(/[?&]sort=spans/);
  await expect(page.getByTestId("service-row").first()).toContainText("checkout");
  await expect(page.getByRole("columnheader", { name: "Spans" })).toHaveAttribute("aria-sort", "descending");

  await page.getByRole("button", { name: "Service" }).click();
  await expect(page.getByTestId("service-row").first()).toContainText("checkout");
  await screenshotAtViewports(page, "overview-populated");
});

test("pausing live refresh is kept in the URL and really stops polling", async ({ page }) => {
  await page.goto("/");
  await expect(serviceRow(page, "checkout").getByRole("cell").first()).toHaveText("3");

  await page.getByRole("button", { name: "Pause live refresh" }).click();
  await expect(page).toHaveURL(/[?&]refresh=off/);
  await expect(page.getByTestId("refresh-status")).toContainText("Paused");

  // Two more checkout spans (through the dedicated OTLP/HTTP port this time)…
  const traceId = newTraceId();
  await postTraces(otlpHttpUrl, [
    {
      service: "checkout",
      spans: [
        span({ traceId, spanId: newSpanId(), name: "POST /checkout", kind: SPAN_KIND.server }),
        span({ traceId, name: "price cart", kind: SPAN_KIND.internal }),
      ],
    },
  ]);
  // …stay invisible while paused: three polling intervals pass without a change.
  await page.waitForTimeout(6_000);
  await expect(serviceRow(page, "checkout").getByRole("cell").first()).toHaveText("3");

  // A reload keeps the paused state, because it lives in the URL.
  await page.reload();
  await expect(page.getByTestId("refresh-status")).toContainText("Paused");
  await expect(serviceRow(page, "checkout").getByRole("cell").first()).toHaveText("5");

  // The paused state follows the user around the app.
  await expect(page.getByRole("link", { name: "Traces" })).toHaveAttribute("href", "/traces?refresh=off");

  await page.getByRole("button", { name: "Resume live refresh" }).click();
  await expect(page).not.toHaveURL(/refresh=/);
  await expect(page.getByTestId("refresh-status")).toContainText("Live");
  await postTraces(webUrl, [
    { service: "storefront", spans: [span({ traceId: newTraceId(), name: "GET /", kind: SPAN_KIND.server })] },
  ]);
  await expect(serviceRow(page, "storefront").getByRole("cell").first()).toHaveText("3");
});

test("a failed refresh keeps the last data on screen, says why, and Retry recovers", async ({ page }) => {
  await page.goto("/");
  await expect(serviceRow(page, "checkout")).toBeVisible();

  // The API answers as it does when PostgreSQL is down (the real outage is covered by the
  // route's unit tests; here the page's handling of that answer is under test).
  const detail = "The database is not reachable right now. (request e2e)";
  await page.route("**/api/v1/services", (route) =>
    route.fulfill({
      status: 503,
      contentType: "application/problem+json",
      body: JSON.stringify({ type: "about:blank", status: 503, title: "Database unavailable", detail, requestId: "e2e" }),
    }),
  );
  const banner = page.getByRole("alert").filter({ hasText: "Refresh failed." });
  await expect(banner).toContainText(detail);
  await expect(serviceRow(page, "checkout")).toBeVisible();

  await page.unroute("**/api/v1/services");
  await banner.getByRole("button", { name: "Retry" }).click();
  await expect(banner).toBeHidden();
  await expect(serviceRow(page, "checkout")).toBeVisible();
});
