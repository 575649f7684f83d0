import { expect, type Page, test } from "@playwright/test";
import { mkdirSync } from "node:fs";

/**
 * Traffic control end to end against `npm start` with the demo shop (project "demo"): the
 * real gateway declares orders v1 90 % / v2 10 %, watches discovery and reports what it
 * applied; the load generator sends real requests. An operator shifts orders to 80/20 on the
 * Traffic page, sees the gateway apply it and the observed split follow, finds the change in
 * the history and reverts it; a viewer sees the controls disabled and the API refuses them.
 * Credentials: playwright.config.ts runs the server with BREAKWATER_USERS for both roles.
 */

const SCREENSHOT_DIR = "test-results/screenshots";
/** The demo starts its processes, and the gateway declares its routes, within this. */
const DEMO_WARM_UP_MS = 90_000;
const REASON = "e2e canary: v2 to 20 %";

test.setTimeout(300_000);

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-1280x800.png` });
}

async function signIn(page: Page, username: string, password: string, next: string) {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL((url) => url.pathname === new URL(next, "http://x").pathname);
}

/** Moves a range input with the keyboard (as a keyboard user would) until it reads `target`. */
async function moveSlider(page: Page, name: string, target: number) {
  const slider = page.getByRole("slider", { name });
  await slider.focus();
  for (let step = 0; step < 100; step += 1) {
    const value = Number(await slider.inputValue());
    if (value === target) return;
    await page.keyboard.press(value > target ? "ArrowLeft" : "ArrowRight");
  }
  throw new Error(`slider ${name} did not reach ${target}`);
}

function observedShare(page: Page, source: "lb-current" | "lb-recent" | "spans-recent", version: string) {
  return page.locator(`[data-testid="observed-row"][data-version="${version}"] [data-testid="observed-${source}"]`);
}

test("an operator shifts orders to 80/20, watches it apply and the split follow, then reverts; a viewer cannot", async ({
  page,
  context,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, "operator", "operator-e2e-password", "/traffic");

  // The gateway declares its routes once the demo is up.
  const ordersCard = page.locator('[data-testid="route-card"][data-route-id="orders"]');
  await expect(async () => {
    await page.reload();
    await expect(ordersCard).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: DEMO_WARM_UP_MS });
  await expect(ordersCard).toContainText("v1 90 %");
  await screenshot(page, "traffic-routes");

  await ordersCard.click();
  await expect(page).toHaveURL(/[?&]route=orders/);
  const workspace = page.getByTestId("route-workspace");
  await expect(workspace).toBeVisible();
  // The declared version is applied by the demo gateway before we change anything.
  await expect(page.getByTestId("apply-status")).toHaveAttribute("data-state", "applied", { timeout: 30_000 });

  // v1 to 80 by keyboard; v2 follows to 20; the preview shows the pending split.
  await moveSlider(page, "Weight of v1", 80);
  await expect(page.getByRole("spinbutton", { name: "Weight of v1 in percent" })).toHaveValue("80");
  await expect(page.getByRole("spinbutton", { name: "Weight of v2 in percent" })).toHaveValue("20");
  await expect(page.getByTestId("split-pending")).toHaveAttribute("data-split", "v1=80,v2=20");
  await expect(page.getByTestId("split-current")).toHaveAttribute("data-split", "v1=90,v2=10");
  await expect(page.getByTestId("weights-diff")).toContainText("v1 90 → 80, v2 10 → 20");
  await page.getByLabel(/^Reason/).fill(REASON);
  await screenshot(page, "traffic-edit");

  // The server's rules show inline before saving: unlinked, 80/30 sums to 110.
  const linked = page.getByRole("checkbox", { name: /The other version follows/ });
  await linked.uncheck();
  await page.getByRole("spinbutton", { name: "Weight of v2 in percent" }).fill("30");
  await expect(page.getByTestId("weights-validation")).toContainText("weights must sum to 100, got 110");
  await expect(page.getByRole("button", { name: "Save weights" })).toBeDisabled();
  await linked.check();
  await moveSlider(page, "Weight of v1", 79);
  await moveSlider(page, "Weight of v1", 80);
  await expect(page.getByRole("spinbutton", { name: "Weight of v2 in percent" })).toHaveValue("20");

  const savedAt = Date.now();
  await page.getByRole("button", { name: "Save weights" }).click();
  const status = page.getByTestId("apply-status");
  await expect(status).toHaveAttribute("data-state", "applied", { timeout: 5_000 });
  await expect(status).toContainText(/Applied by gateway .+ at .+\(version 2\)/);
  const appliedAfterMs = Date.now() - savedAt;
  await expect(ordersCard).toContainText("v1 80 %");
  await screenshot(page, "traffic-applied");

  // The observed split approaches 80/20: the LB counters under version 2, in the numbers,
  // once enough requests went through (3 req/s to orders: ~100 in 35 s; 80 % ± 10 is ±2.5 σ there)...
  const v1Share = observedShare(page, "lb-current", "v1");
  await expect(async () => {
    expect(Number(await v1Share.getAttribute("data-total"))).toBeGreaterThanOrEqual(100);
    const share = Number(await v1Share.getAttribute("data-share"));
    expect(share).toBeGreaterThanOrEqual(70);
    expect(share).toBeLessThanOrEqual(90);
  }).toPass({ timeout: 120_000, intervals: [2_000] });
  const observedV1 = Number(await v1Share.getAttribute("data-share"));
  console.log(
    `traffic e2e: observed v1 share under version 2: ${observedV1} % of ${await v1Share.getAttribute("data-total")} requests`,
  );
  // ...and on the chart: the change is annotated and the lines are drawn.
  await page.getByLabel("Window").selectOption("5m");
  await expect(page).toHaveURL(/[?&]range=5m/);
  const chart = page.getByTestId("chart-split");
  await expect(chart.locator("svg.recharts-surface")).toBeVisible();
  await expect(chart.getByTestId("split-annotation").first()).toBeVisible();
  await page.getByTestId("chart-split").scrollIntoViewIfNeeded();
  await screenshot(page, "traffic-observed");

  // The history has the change: who, old → new, the reason.
  const history = page.getByTestId("route-history");
  const changeRow = page.getByTestId("history-row").filter({ hasText: REASON });
  await expect(changeRow).toBeVisible();
  await expect(changeRow).toContainText("operator");
  await expect(changeRow).toContainText("90 %");
  await expect(changeRow).toContainText("80 %");

  // Revert: back to the declared weights (the row that set 90/10), with a confirm step.
  const declaredRow = page.locator('[data-testid="history-row"][data-kind="declaration"]');
  await declaredRow.getByRole("button", { name: "Revert to these weights" }).click();
  const confirm = declaredRow.getByTestId("revert-confirm");
  await expect(confirm).toContainText("v1 80 → 90, v2 20 → 10");
  await history.scrollIntoViewIfNeeded();
  await screenshot(page, "traffic-revert-confirm");
  await confirm.getByRole("button", { name: "Confirm revert" }).click();
  await expect(page.getByTestId("revert-result")).toContainText("Reverted");
  const declaredId = await declaredRow.getAttribute("data-change-id");
  await expect(page.getByTestId("history-row").first()).toHaveAttribute("data-kind", "revert");
  await expect(page.getByTestId("history-row").first()).toHaveAttribute("data-revert-of", declaredId ?? "?");
  await expect(page.getByTestId("history-row").first()).toContainText(`revert of #${declaredId}`);
  await expect(ordersCard).toContainText("v1 90 %");
  await expect(page.getByRole("spinbutton", { name: "Weight of v1 in percent" })).toHaveValue("90");
  await expect(status).toHaveAttribute("data-state", "applied", { timeout: 5_000 });
  await expect(status).toContainText("(version 3)");
  await screenshot(page, "traffic-reverted");
  console.log(`traffic e2e: save → "applied by gateway" shown after ${appliedAfterMs} ms`);

  // A viewer: controls disabled with an explanation, and the API refuses a direct PUT.
  await page.request.post("/api/v1/auth/logout");
  await context.clearCookies();
  await signIn(page, "viewer", "viewer-e2e-password", "/traffic?route=orders");
  await expect(page.getByTestId("weights-disabled")).toContainText("viewer role");
  await expect(page.getByRole("slider", { name: "Weight of v1" })).toBeDisabled();
  await expect(page.getByRole("spinbutton", { name: "Weight of v1 in percent" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save weights" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Revert to these weights" }).first()).toBeDisabled();
  await screenshot(page, "traffic-viewer");

  const current = await page.request.get("/api/v1/routes/orders");
  expect(current.ok()).toBe(true);
  const { route } = (await current.json()) as { route: { version: number } };
  const refused = await page.request.put("/api/v1/routes/orders/weights", {
    data: {
      version: route.version,
      backends: [
        { version: "v1", weight: 0 },
        { version: "v2", weight: 100 },
      ],
    },
  });
  expect(refused.status()).toBe(403);
  const after = (await (await page.request.get("/api/v1/routes/orders")).json()) as { route: { version: number } };
  expect(after.route.version).toBe(route.version);
});
