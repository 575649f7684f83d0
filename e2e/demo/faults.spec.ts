import { expect, type Page, test } from "@playwright/test";
import { mkdirSync } from "node:fs";

/**
 * The fault panel against `npm start` with the demo shop (project "demo"): an operator signs
 * in, sets payments-1 to fail every request from the panel on the Breakers page, watches the
 * orders → payments breaker open there and on the Topology, and clears the fault from the
 * service page's "Faults" action; signed out, the controls are disabled and the API refuses.
 * Everything is put back (other demo specs run after this one): the fault cleared, the breaker
 * closed again. (The weight-change annotation in the Topology side panel is checked in
 * e2e/topology.spec.ts, on a route of its own: the traffic spec expects the demo's orders route
 * untouched.)
 */

const webUrl = process.env.BREAKWATER_E2E_DEMO_WEB_URL ?? "http://127.0.0.1:3200";
const SCREENSHOT_DIR = "test-results/screenshots";
/** The demo needs a few seconds to start its processes and send its first heartbeats. */
const DEMO_WARM_UP_MS = 90_000;
/** From the fault to an open breaker in Breakwater: orders' window fills at the shop's 15 req/s (journeys.spec.ts uses the same). */
const BREAKER_OPEN_MS = 90_000;
/** From clearing the fault to a closed breaker: 5 s open wait, then the half-open probes. */
const BREAKER_CLOSE_MS = 45_000;
const OPERATOR = { username: "operator", password: "operator-e2e-password" };
const VIEWER = { username: "viewer", password: "viewer-e2e-password" };

test.setTimeout(240_000);

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-1280x800.png` });
}

async function signIn(page: Page, user: { username: string; password: string }, next: string) {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel(/user\s*name/i).fill(user.username);
  await page.getByLabel(/^password$/i).fill(user.password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page).toHaveURL((url) => url.pathname === new URL(next, "http://x").pathname);
}

function topologyEdge(page: Page, source: string, target: string) {
  return page
    .getByTestId("topology-graph")
    .locator(`[data-testid="topology-edge-label"][data-edge-source="${source}"][data-edge-target="${target}"]`);
}

type BreakerRow = { ownerService: string; targetInstanceId: string; state: string };

async function ordersBreakersOn(instanceId: string): Promise<string[]> {
  const response = await fetch(`${webUrl}/api/v1/breakers`);
  if (!response.ok) throw new Error(`GET /api/v1/breakers → ${response.status}`);
  const { breakers } = (await response.json()) as { breakers: BreakerRow[] };
  return breakers.filter((b) => b.ownerService === "orders" && b.targetInstanceId === instanceId).map((b) => b.state);
}

/** Same-origin fetch from the page: the session cookie and the browser's Origin / Sec-Fetch-Site go along. */
async function fetchInPage(page: Page, path: string, init: { method: string; body?: unknown }) {
  return page.evaluate(
    async ({ path, method, body }) => {
      const response = await fetch(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
    },
    { path, method: init.method, body: init.body },
  );
}

/** The panel's row of one instance, and its controls by their accessible names. */
function faultRow(page: Page, instanceId: string) {
  const row = page.locator(`[data-testid="fault-row"][data-instance="${instanceId}"]`);
  return {
    row,
    current: row.getByTestId("fault-current"),
    errorRate: page.getByRole("spinbutton", { name: `Error rate (%) for ${instanceId}` }),
    latency: page.getByRole("spinbutton", { name: `Latency (ms) for ${instanceId}` }),
    apply: page.getByRole("button", { name: `Apply faults to ${instanceId}` }),
    clear: page.getByRole("button", { name: `Clear faults of ${instanceId}` }),
  };
}

test("signed out or as a viewer, the fault panel explains why its controls are disabled, and the API refuses a change", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/breakers");
  await page.getByRole("button", { name: "Show fault controls" }).click();
  const panel = page.getByTestId("fault-panel");
  await expect(panel.getByTestId("fault-access")).toHaveAttribute("data-access", "signed-out");
  await expect(panel.getByRole("link", { name: /sign in/i })).toHaveAttribute("href", "/login?next=%2Fbreakers");

  const payments = faultRow(page, "payments-1");
  await expect(payments.row).toBeVisible({ timeout: DEMO_WARM_UP_MS });
  await expect(payments.current).toHaveText("none");
  for (const control of [payments.errorRate, payments.latency, payments.apply, payments.clear])
    await expect(control).toBeDisabled();
  await screenshot(page, "faults-signed-out");

  // The disabled controls are only the explanation: the API itself refuses without a session.
  const refused = await fetchInPage(page, "/api/v1/instances/payments-1/faults", { method: "PUT", body: { errorRate: 1 } });
  expect(refused.status).toBe(401);
  await expect(payments.current).toHaveText("none");

  // A viewer sees the faults, with the controls disabled as "operators only"; the API answers 403.
  await signIn(page, VIEWER, "/breakers");
  await page.getByRole("button", { name: "Show fault controls" }).click();
  await expect(page.getByTestId("fault-access")).toHaveAttribute("data-access", "viewer");
  await expect(page.getByTestId("fault-access")).toContainText("Operators only");
  await expect(payments.apply).toBeDisabled();
  const forbidden = await fetchInPage(page, "/api/v1/instances/payments-1/faults", { method: "DELETE" });
  expect(forbidden.status).toBe(403);
});

test("an operator fails payments-1 from the panel, watches orders → payments open on Breakers and Topology, and clears it", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, OPERATOR, "/breakers");
  try {
    await page.getByRole("button", { name: "Show fault controls" }).click();
    await expect(page.getByTestId("fault-access")).toHaveAttribute("data-access", "operator");
    const payments = faultRow(page, "payments-1");
    await expect(payments.row).toBeVisible({ timeout: DEMO_WARM_UP_MS });
    await expect(payments.current).toHaveText("none");

    await payments.errorRate.fill("100");
    await payments.apply.click();
    await expect(page.locator('[data-testid="fault-done"]')).toHaveText("Applied: 100 % → 503.");
    await expect(payments.current).toHaveText("100 % → 503");
    await expect(payments.row).toHaveAttribute("data-faults", "on");
    await screenshot(page, "faults-applied");

    // The Breakers page below the panel, refreshing live, shows the breaker open.
    const openRow = page
      .getByTestId("breaker-row")
      .filter({ has: page.getByTestId("breaker-target").filter({ hasText: "payments-1" }) })
      .and(page.locator('[data-state="open"]'));
    await expect(openRow.first()).toBeVisible({ timeout: BREAKER_OPEN_MS });
    await expect(page.getByTestId("breakers-banner")).toContainText("payments-1");
    await screenshot(page, "faults-breakers-open");

    // … and so does the Topology's orders → payments edge.
    await page.goto("/topology?range=15m");
    await expect(topologyEdge(page, "orders", "payments")).toHaveAttribute("data-breaker-state", "open", { timeout: 10_000 });
    await screenshot(page, "faults-topology-open");

    // The service page's instances table opens the same panel for payments, the instance marked.
    await page.goto("/services/payments?range=15m");
    await page.getByRole("button", { name: "Faults of payments-1" }).click();
    const dialog = page.getByRole("dialog", { name: "Fault injection · payments" });
    await expect(dialog).toBeVisible();
    const inDialog = faultRow(page, "payments-1");
    await expect(inDialog.current).toHaveText("100 % → 503");
    await expect(dialog.locator('[data-testid="fault-row"]')).toHaveCount(2);
    await screenshot(page, "faults-service-dialog");
    await inDialog.clear.click();
    await expect(dialog.getByTestId("fault-done")).toHaveText("Faults cleared.");
    await expect(inDialog.current).toHaveText("none");
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
  } finally {
    // Other demo specs run after this one: never leave the fault on, whatever failed above.
    await fetchInPage(page, "/api/v1/instances/payments-1/faults", { method: "DELETE" }).catch(() => undefined);
  }
  // Leave the breaker closed again for the specs that follow (5 s open wait, then probes).
  await expect
    .poll(async () => (await ordersBreakersOn("payments-1")).every((state) => state === "closed"), {
      timeout: BREAKER_CLOSE_MS,
      intervals: [500],
    })
    .toBe(true);
});
