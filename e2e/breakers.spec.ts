import { expect, type Page, test } from "@playwright/test";
import { mkdirSync } from "node:fs";
import type { BreakerReport, HeartbeatInput } from "../lib/control/contract";

/**
 * The Breakers journey on a fresh database: the empty state, then breakers reported through
 * real heartbeats (POST /api/v1/heartbeats) in closed, open and half-open states with
 * transitions, a breaker whose owner stopped reporting, filters and the time range in the
 * URL, and a hostile transition reason rendered as text. Serial: later tests use the data.
 */

const webUrl = process.env.BREAKWATER_E2E_WEB_URL ?? "http://127.0.0.1:3100";
const SCREENSHOT_DIR = "test-results/screenshots";
const XSS_REASON = `<img src=x onerror="window.__xss=1"> failure rate 100% ≥ 50% <script>window.__xss=2</script>`;

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
let sequence = 0;

const CONFIG: BreakerReport["config"] = {
  failureRateThreshold: 50,
  slowCallDurationMs: 1_000,
  slowCallRateThreshold: 80,
  windowMs: 10_000,
  minimumCalls: 5,
  openWaitMs: 30_000,
  halfOpenCalls: 3,
};

function breaker(fields: Partial<BreakerReport> & Pick<BreakerReport, "targetService" | "targetInstanceId">): BreakerReport {
  return {
    targetVersion: "v1",
    state: "closed",
    stateSince: ago(3_600_000),
    calls: 20,
    failedCalls: 1,
    slowCalls: 0,
    failureRate: 5,
    slowCallRate: 0,
    notPermittedCalls: 0,
    config: CONFIG,
    transitions: [],
    ...fields,
  };
}

async function postHeartbeat(beat: Omit<HeartbeatInput, "sentAt" | "sequence" | "status" | "address">) {
  const body: HeartbeatInput = {
    address: "http://127.0.0.1:9",
    status: "healthy",
    sentAt: new Date().toISOString(),
    sequence: ++sequence,
    ...beat,
  };
  const response = await fetch(`${webUrl}/api/v1/heartbeats`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.text()).toBe(200);
}

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-1280x800.png`, fullPage: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-1280x800-viewport.png` });
}

const row = (page: Page, owner: string, target: string) =>
  page
    .getByTestId("breaker-row")
    .filter({ has: page.getByTestId("breaker-owner").getByText(owner, { exact: true }) })
    .filter({ has: page.getByTestId("breaker-target").getByText(target, { exact: true }) });

/**
 * Runs a control change until the URL shows it: an interaction that lands before React has
 * hydrated the server-rendered page would otherwise be lost (the rows are in the HTML at once).
 */
async function changeUntilUrl(page: Page, change: () => Promise<unknown>, url: RegExp) {
  await expect(async () => {
    await change();
    await expect(page).toHaveURL(url, { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
}

test.describe.configure({ mode: "serial" });

test("with no breakers, the page says where they come from", async ({ page }) => {
  await page.goto("/breakers");
  await expect(page.getByRole("heading", { level: 1, name: "Breakers" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "No breakers reported yet" })).toBeVisible();
  await expect(page.getByTestId("breakers-empty")).toContainText("resilience library");
  await expect(page.getByTestId("breakers-empty")).toContainText("services-demo/README.md");
  await expect(page).toHaveTitle("Breakers · Breakwater");
  await screenshot(page, "breakers-empty");
});

test("reported breakers appear live: open first, named in the banner, with rates, calls and history", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto("/breakers");
  await expect(page.getByRole("heading", { name: "No breakers reported yet" })).toBeVisible();

  // orders-v1-1: one breaker open (tripped 2 min ago), one closed, one half-open probing.
  await postHeartbeat({
    service: "orders",
    instanceId: "orders-v1-1",
    version: "v1",
    ttlMs: 300_000,
    breakers: [
      breaker({
        targetService: "payments",
        targetInstanceId: "payments-1",
        state: "open",
        stateSince: ago(120_000),
        calls: 12,
        failedCalls: 10,
        failureRate: 83.3,
        slowCalls: 3,
        slowCallRate: 25,
        notPermittedCalls: 7,
        transitions: [{ from: "closed", to: "open", at: ago(120_000), reason: "failure rate 83.3% ≥ 50% over 12 calls" }],
      }),
      breaker({ targetService: "payments", targetInstanceId: "payments-2", targetVersion: "v2" }),
      breaker({
        targetService: "inventory",
        targetInstanceId: "inventory-1",
        state: "half_open",
        stateSince: ago(10_000),
        calls: 1,
        failedCalls: 0,
        failureRate: 0,
        transitions: [
          { from: "closed", to: "open", at: ago(40_000), reason: XSS_REASON },
          { from: "open", to: "half_open", at: ago(10_000), reason: "open wait 30000 ms elapsed" },
        ],
      }),
    ],
  });
  // gateway-1: closed again after an episode half an hour ago.
  await postHeartbeat({
    service: "gateway",
    instanceId: "gateway-1",
    version: "v1",
    ttlMs: 300_000,
    breakers: [
      breaker({
        targetService: "orders",
        targetInstanceId: "orders-v1-1",
        stateSince: ago(29 * 60_000),
        transitions: [
          { from: "closed", to: "open", at: ago(31 * 60_000), reason: "slow-call rate 100% ≥ 80% over 6 calls" },
          { from: "open", to: "half_open", at: ago(30 * 60_000), reason: "open wait 30000 ms elapsed" },
          { from: "half_open", to: "closed", at: ago(29 * 60_000), reason: "3 of 3 probe calls succeeded" },
        ],
      }),
    ],
  });
  // orders-v2-1 reports an open breaker once and then goes silent (TTL 500 ms): stale.
  await postHeartbeat({
    service: "orders",
    instanceId: "orders-v2-1",
    version: "v2",
    ttlMs: 500,
    breakers: [
      breaker({
        targetService: "payments",
        targetInstanceId: "payments-1",
        state: "open",
        stateSince: ago(60_000),
        failureRate: 100,
        failedCalls: 20,
        transitions: [{ from: "closed", to: "open", at: ago(60_000), reason: "failure rate 100% ≥ 50% over 20 calls" }],
      }),
    ],
  });

  // Live: no reload needed.
  const banner = page.getByTestId("breakers-banner");
  await expect(banner).toHaveAttribute("data-severity", "open");
  await expect(banner).toContainText("1 breaker open");
  await expect(banner.getByRole("listitem").first()).toContainText("orders-v1-1");
  await expect(banner.getByRole("listitem").first()).toContainText("payments-1");
  await expect(banner).toContainText("half-open");
  await expect(banner).toContainText("orders-v1-1 → inventory-1");

  const rows = page.getByTestId("breaker-row");
  await expect(rows).toHaveCount(5);
  // Open (live) first, then the stale open one, then half-open, then closed.
  await expect(rows.nth(0)).toHaveAttribute("data-state", "open");
  await expect(rows.nth(0)).toContainText("orders-v1-1");
  await expect(rows.nth(0)).toContainText("payments-1");
  await expect(rows.nth(1)).toHaveAttribute("data-state", "open");
  await expect(rows.nth(1)).toContainText("orders-v2-1");
  await expect(rows.nth(2)).toHaveAttribute("data-state", "half_open");
  await expect(rows.nth(3)).toHaveAttribute("data-state", "closed");

  const open = row(page, "orders-v1-1", "payments-1");
  await expect(open).toContainText("Open");
  await expect(open.getByTestId("breaker-failure-rate")).toContainText("83.3 %");
  await expect(open.getByTestId("breaker-failure-rate")).toContainText("50 %");
  await expect(open.getByTestId("breaker-failure-rate")).toContainText("at or above its threshold of");
  await expect(open.getByTestId("breaker-failure-rate")).toContainText("≥");
  await expect(open.getByTestId("breaker-slow-rate")).toContainText("25 %");
  await expect(open.getByTestId("breaker-calls")).toContainText("12");
  await expect(open.getByTestId("breaker-calls")).toContainText("min 5");
  await expect(open.getByTestId("breaker-not-permitted")).toHaveText("7");
  await expect(open.getByTestId("breaker-time-in-state")).toHaveText(/^for 2 min( \d+ s)?$/);
  await expect(row(page, "orders-v1-1", "inventory-1")).toContainText("Half-open");
  await expect(row(page, "gateway-1", "orders-v1-1")).toContainText("Closed");

  // The silent owner's breaker is marked stale once the registry expires it.
  await expect(row(page, "orders-v2-1", "payments-1")).toHaveAttribute("data-stale", "true");
  await expect(row(page, "orders-v2-1", "payments-1")).toContainText("Stale: owner unhealthy");
  await expect(banner).toContainText("1 breaker was last reported not closed by an owner that stopped reporting");

  // Timeline: one lane per breaker; the open one went closed → open inside the hour.
  const lane = page.locator('[data-testid="timeline-lane"][data-breaker="orders-v1-1→payments-1"]');
  await expect(lane.getByTestId("timeline-segment")).toHaveCount(2);
  await expect(lane.getByTestId("timeline-segment").nth(0)).toHaveAttribute("data-state", "closed");
  await expect(lane.getByTestId("timeline-segment").nth(1)).toHaveAttribute("data-state", "open");
  const gatewayLane = page.locator('[data-testid="timeline-lane"][data-breaker="gateway-1→orders-v1-1"]');
  await expect(gatewayLane.getByTestId("timeline-segment")).toHaveCount(4);
  await expect(gatewayLane.getByRole("img")).toHaveAttribute("aria-label", /Open until 30 min/);

  const transitionRows = page.getByTestId("transition-row");
  await expect(transitionRows).toHaveCount(7);
  await expect(transitionRows.first()).toContainText("orders-v1-1 → inventory-1");
  await expect(transitionRows.first()).toContainText("open wait 30000 ms elapsed");
  await expect(page.getByTestId("transitions-table")).toContainText("3 of 3 probe calls succeeded");

  // A hostile reason is shown as the text it is, never as markup.
  await expect(page.getByTestId("transition-reason").filter({ hasText: "onerror" })).toHaveText(XSS_REASON);
  await expect(page.locator('main img[src="x"]')).toHaveCount(0);
  await expect(page.locator("main script")).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);

  // The configuration is one keyboard press away.
  const details = open.getByRole("button", { name: "Details of orders-v1-1 to payments-1" });
  await details.focus();
  await page.keyboard.press("Enter");
  await expect(details).toHaveAttribute("aria-expanded", "true");
  const panel = page.locator(`#${await details.getAttribute("aria-controls")}`);
  await expect(panel).toContainText("Failure-rate threshold");
  await expect(panel).toContainText("Open wait30 s");
  await expect(panel).toContainText("Half-open probe calls3");
  await expect(panel).toContainText("Sliding window10 s");

  await screenshot(page, "breakers-populated");
  await page.getByRole("heading", { name: /^Transition history/ }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/breakers-history-1280x800-viewport.png` });
});

test("filters by state and service, and the time range, live in the URL", async ({ page }) => {
  await page.goto("/breakers");
  const rows = page.getByTestId("breaker-row");
  await expect(rows).toHaveCount(5);

  await changeUntilUrl(page, () => page.getByLabel("State").selectOption("open"), /[?&]state=open/);
  await expect(rows).toHaveCount(2);
  for (const state of await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-state")))) expect(state).toBe("open");
  // The banner still speaks for every breaker.
  await expect(page.getByTestId("breakers-banner")).toContainText("half-open");

  await page.getByLabel("State").selectOption("forced_open");
  await expect(page.getByTestId("breakers-no-match")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page).not.toHaveURL(/state=/);
  await expect(rows).toHaveCount(5);

  await changeUntilUrl(page, () => page.getByLabel("Service").selectOption("gateway"), /[?&]service=gateway/);
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId("transition-row")).toHaveCount(3);
  await page.getByLabel("Service").selectOption("inventory");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("inventory-1");

  // A reload keeps the filters: they live in the URL.
  await page.reload();
  await expect(page.getByLabel("Service")).toHaveValue("inventory");
  await expect(rows).toHaveCount(1);

  // A 5-minute range leaves out the gateway episode half an hour ago.
  await page.goto("/breakers?service=gateway");
  await expect(page.getByTestId("transition-row")).toHaveCount(3);
  await changeUntilUrl(page, () => page.getByRole("button", { name: "Last 5 m" }).click(), /[?&]range=5m/);
  await expect(page.getByRole("heading", { name: "Transition history · last 5 minutes" })).toBeVisible();
  await expect(page.getByTestId("transitions-empty")).toBeVisible();
  const gatewayLane = page.locator('[data-testid="timeline-lane"][data-breaker="gateway-1→orders-v1-1"]');
  await expect(gatewayLane.getByTestId("timeline-segment")).toHaveCount(1);
  await expect(gatewayLane.getByTestId("timeline-segment")).toHaveAttribute("data-state", "closed");
  await expect(page.getByRole("button", { name: "Last 5 m" })).toHaveAttribute("aria-pressed", "true");
});

test("a failed refresh keeps the breakers on screen and says so", async ({ page }) => {
  await page.goto("/breakers");
  await expect(page.getByTestId("breaker-row")).toHaveCount(5);
  await page.route("**/api/v1/breakers", (route) =>
    route.fulfill({
      status: 503,
      contentType: "application/problem+json",
      body: JSON.stringify({ status: 503, title: "Service Unavailable", detail: "database unavailable, retry shortly" }),
    }),
  );
  const stale = page.getByRole("alert").filter({ hasText: "Refresh failed." });
  await expect(stale).toContainText("database unavailable");
  await expect(page.getByTestId("breaker-row")).toHaveCount(5);
  await page.unroute("**/api/v1/breakers");
  await stale.getByRole("button", { name: "Retry" }).click();
  await expect(stale).toBeHidden();
});
