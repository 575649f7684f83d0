import { expect, type Page, test } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { newSpanId, newTraceId, postTraces, SPAN_KIND, span, storefrontCheckoutTrace } from "./otlp";

/**
 * The Overview journey on a fresh database: the setup guide while no span has arrived, the
 * services appearing live with rates and latency (from the rollups the span writer keeps)
 * after a real OTLP/JSON trace, the time range and sort in the URL, a service that only sends
 * heartbeats, breakers on both sides, keyboard access, and pausing the refresh. The tests
 * build on each other's data, so they run in order and stop at the first failure. (Specs
 * that run earlier may have registered instances: rows are looked up by name, never counted.)
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

/**
 * The top bar's Live/Paused status. While a page streams, React keeps the resolved control in a
 * hidden node next to the Suspense fallback until it swaps them: only the visible one counts.
 */
function refreshStatus(page: Page) {
  return page.getByTestId("refresh-status").filter({ visible: true });
}

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

test("services appear with their rates and latency as soon as a trace arrives, without a reload", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "No spans received yet" })).toBeVisible();
  // A marker on window survives anything but a reload. (framenavigated is no use here: Next.js
  // calls history.replaceState when it hydrates, which a busy machine delays past this point.)
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

  // A real trace through the web port's OTLP endpoint: storefront (GET /cart, 40 ms) calls
  // checkout (POST /checkout, 25 ms).
  await postTraces(webUrl, storefrontCheckoutTrace());

  await expect(serviceRow(page, "storefront")).toBeVisible();
  await expect(serviceRow(page, "checkout")).toBeVisible();
  await expect(page.getByRole("heading", { name: "No spans received yet" })).toBeHidden();
  const checkout = serviceRow(page, "checkout");
  // One SERVER span each; the latency comes from the rollup histogram (within 2 %).
  await expect(checkout.getByTestId("cell-p50")).toHaveText(/^2[45](\.\d)?\s*ms$/);
  await expect(serviceRow(page, "storefront").getByTestId("cell-p99")).toHaveText(/^(39|40)(\.\d)?\s*ms$/);
  await expect(checkout.getByTestId("cell-errors")).toHaveText(/^0\s*%$/);
  await expect(checkout.getByTestId("cell-rate")).toHaveAttribute("title", "1 request in the window");
  await expect(checkout.getByTestId("request-rate-sparkline")).toBeVisible();
  expect(await page.evaluate(() => (window as Window & { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // The stat tiles agree with what was sent.
  await expect(page.getByTestId("stat-spans").getByRole("definition").first()).toHaveText("5");

  // The time range lives in the URL: over the last 5 minutes one request is about 1/300 req/s.
  await page.getByRole("combobox", { name: "Time range" }).selectOption("5m");
  await expect(page).toHaveURL(/[?&]range=5m/);
  await expect(checkout.getByTestId("cell-rate")).toHaveText(/^0\.00(2[89]|3[0-3])\s*req\/s$/);
  await expect(checkout.getByRole("link", { name: "checkout", exact: true })).toHaveAttribute(
    "href",
    "/services/checkout?range=5m",
  );

  // Sorting by p95 puts the slower storefront first, and the choice lands in the URL.
  await page.getByRole("button", { name: "p95" }).click();
  await expect(page).toHaveURL(/[?&]sort=p95/);
  await expect(page.getByTestId("service-row").first()).toContainText("storefront");
  await expect(page.getByRole("columnheader", { name: "p95" })).toHaveAttribute("aria-sort", "descending");
  await page.getByRole("button", { name: "p95" }).click();
  await expect(page.getByTestId("service-row").first()).toContainText("checkout");
  await expect(page.getByRole("columnheader", { name: "p95" })).toHaveAttribute("aria-sort", "ascending");

  await page.getByRole("button", { name: "Service" }).click();
  await expect(page.getByTestId("service-row").first()).not.toContainText("storefront");
  await screenshotAtViewports(page, "overview-populated");
});

test("a custom time range is chosen from the keyboard and checked before it applies", async ({ page }) => {
  await page.goto("/?range=15m");
  await expect(serviceRow(page, "checkout")).toBeVisible();
  const select = page.getByRole("combobox", { name: "Time range" });
  await select.focus();
  await select.selectOption("custom");
  // It starts as the window on screen, and the select keeps the focus.
  await expect(page).toHaveURL(/[?&]range=custom&from=[^&]+&to=[^&]+/);
  await expect(select).toBeFocused();
  const from = page.getByLabel("From", { exact: true });
  const to = page.getByLabel("To", { exact: true });
  await expect(from).not.toHaveValue("");

  // An end before the start is refused with a message, and the applied range stays.
  const applied = page.url();
  await to.fill("2020-01-01T00:00");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The range must end after it starts" })).toBeVisible();
  expect(page.url()).toBe(applied);

  // A valid one applies with Enter (datetime-local speaks the browser's zone).
  const local = (ms: number) =>
    page.evaluate((at) => new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 16), ms);
  const nowMs = Date.now();
  await from.fill(await local(nowMs - 20 * 60_000));
  await to.fill(await local(nowMs + 2 * 60_000));
  await to.press("Enter");
  await expect(page).not.toHaveURL(applied);
  await expect(page.getByRole("alert").filter({ hasText: "The range must end" })).toBeHidden();
  await expect(serviceRow(page, "checkout").getByTestId("cell-rate")).toHaveAttribute("title", "1 request in the window");

  // A preset again drops from/to (the default hour leaves no parameter at all).
  await select.selectOption("1h");
  await expect(page).not.toHaveURL(/[?&](range|from|to)=/);
});

test("a service that only sends heartbeats is listed with its instances, breakers show on both sides", async ({ page }) => {
  const beat = (body: Record<string, unknown>) =>
    fetch(`${webUrl}/api/v1/heartbeats`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        version: "v1",
        address: "http://127.0.0.1:9",
        status: "healthy",
        sentAt: new Date().toISOString(),
        sequence: Date.now(),
        ttlMs: 300_000,
        ...body,
      }),
    }).then(async (response) => expect(response.status, await response.text()).toBe(200));
  await beat({ service: "ledger", instanceId: "ledger-1" });
  await beat({ service: "ledger", instanceId: "ledger-2", status: "degraded" });
  await beat({
    service: "checkout",
    instanceId: "checkout-1",
    breakers: [
      {
        targetService: "ledger",
        targetInstanceId: "ledger-2",
        state: "open",
        stateSince: new Date(Date.now() - 30_000).toISOString(),
        calls: 10,
        failedCalls: 8,
        slowCalls: 0,
        failureRate: 80,
        slowCallRate: 0,
        notPermittedCalls: 4,
        config: {
          failureRateThreshold: 50,
          slowCallDurationMs: 1_000,
          slowCallRateThreshold: 100,
          windowMs: 10_000,
          minimumCalls: 5,
          openWaitMs: 30_000,
          halfOpenCalls: 3,
        },
        transitions: [],
      },
    ],
  });

  await page.goto("/");
  const ledger = serviceRow(page, "ledger");
  await expect(ledger).toContainText("heartbeats only");
  await expect(ledger.getByTestId("cell-rate")).toHaveText(/^—/);
  await expect(ledger.getByTestId("cell-instances")).toContainText(/1\s*\/2\s*healthy/);
  await expect(ledger.getByTestId("breakers-cell")).toContainText("1 open");
  await expect(ledger.getByTestId("breakers-cell")).toContainText("← checkout");
  const checkout = serviceRow(page, "checkout");
  await expect(checkout.getByTestId("breakers-cell")).toContainText("→ ledger");
  await expect(checkout.getByTestId("cell-instances")).toContainText(/1\s*\/1\s*healthy/);
  await expect(checkout.getByTestId("breakers-cell")).toHaveAttribute("href", "/breakers?service=checkout");

  await page.setViewportSize({ width: 1280, height: 800 });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/overview-heartbeats-breakers-1280x800.png`, fullPage: true });

  // Keyboard: Tab reaches the service link, Enter opens the service's page.
  const link = checkout.getByRole("link", { name: "checkout", exact: true });
  await link.focus();
  await expect(link).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/services\/checkout$/);
});

test("pausing live refresh is kept in the URL and really stops polling", async ({ page }) => {
  await page.goto("/");
  const spans = page.getByTestId("stat-spans").getByRole("definition").first();
  await expect(spans).toHaveText("5");

  await page.getByRole("button", { name: "Pause live refresh" }).click();
  await expect(page).toHaveURL(/[?&]refresh=off/);
  await expect(refreshStatus(page)).toContainText("Paused");

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
  await expect(spans).toHaveText("5");
  await expect(serviceRow(page, "checkout").getByTestId("cell-rate")).toHaveAttribute("title", "1 request in the window");

  // A reload keeps the paused state, because it lives in the URL.
  await page.reload();
  await expect(refreshStatus(page)).toContainText("Paused");
  await expect(spans).toHaveText("7");
  await expect(serviceRow(page, "checkout").getByTestId("cell-rate")).toHaveAttribute("title", "2 requests in the window");

  // The paused state follows the user around the app.
  await expect(page.getByRole("link", { name: "Traces" })).toHaveAttribute("href", "/traces?refresh=off");

  await page.getByRole("button", { name: "Resume live refresh" }).click();
  await expect(page).not.toHaveURL(/refresh=/);
  await expect(refreshStatus(page)).toContainText("Live");
  await postTraces(webUrl, [
    { service: "storefront", spans: [span({ traceId: newTraceId(), name: "GET /", kind: SPAN_KIND.server })] },
  ]);
  await expect(spans).toHaveText("8");
  await expect(serviceRow(page, "storefront").getByTestId("cell-rate")).toHaveAttribute("title", "2 requests in the window");
});

test("a failed refresh keeps the last data on screen, says why, and Retry recovers", async ({ page }) => {
  await page.goto("/");
  await expect(serviceRow(page, "checkout")).toBeVisible();

  // The API answers as it does when PostgreSQL is down (the real outage is covered by the
  // route's unit tests; here the page's handling of that answer is under test).
  const detail = "The database is not reachable right now. (request e2e)";
  await page.route("**/api/v1/overview**", (route) =>
    route.fulfill({
      status: 503,
      contentType: "application/problem+json",
      body: JSON.stringify({ type: "about:blank", status: 503, title: "Database unavailable", detail, requestId: "e2e" }),
    }),
  );
  const banner = page.getByRole("alert").filter({ hasText: "Refresh failed." });
  await expect(banner).toContainText(detail);
  await expect(serviceRow(page, "checkout")).toBeVisible();

  await page.unroute("**/api/v1/overview**");
  await banner.getByRole("button", { name: "Retry" }).click();
  await expect(banner).toBeHidden();
  await expect(serviceRow(page, "checkout")).toBeVisible();
});
