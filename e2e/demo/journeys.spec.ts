import { expect, type Page, test } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";

/**
 * The on-call journeys against `npm start` with the demo shop (playwright.config.ts, project
 * "demo"): Breakwater plus the gateway, catalog, orders v1/v2, inventory, payments ×2 and
 * the load generator, all real processes sending real telemetry. Nothing here is seeded
 * except the hostile-values trace of the last test; everything else is the shop's own traffic.
 */

const webUrl = process.env.BREAKWATER_E2E_DEMO_WEB_URL ?? "http://127.0.0.1:3200";
const otlpHttpUrl = process.env.BREAKWATER_E2E_DEMO_OTLP_HTTP_URL ?? "http://127.0.0.1:24318";
const SCREENSHOT_DIR = "test-results/screenshots";
const DEMO_SERVICES = ["catalog", "gateway", "inventory", "loadgen", "orders", "payments"];
/** The demo needs a few seconds to start its processes and export its first batches. */
const DEMO_WARM_UP_MS = 90_000;

test.setTimeout(180_000);

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-1280x800.png` });
}

function topologyNode(page: Page, id: string) {
  return page.getByTestId("topology-graph").locator(`[data-testid="topology-node"][data-node-id="${id}"]`);
}

/** An edge's label (rps, error %, p95, breaker state), the edge's clickable part. */
function topologyEdge(page: Page, source: string, target: string) {
  return page
    .getByTestId("topology-graph")
    .locator(`[data-testid="topology-edge-label"][data-edge-source="${source}"][data-edge-target="${target}"]`);
}

type BreakerRow = { ownerService: string; targetService: string; targetInstanceId: string; state: string };

async function breakers(): Promise<BreakerRow[]> {
  const response = await fetch(`${webUrl}/api/v1/breakers`);
  if (!response.ok) throw new Error(`GET /api/v1/breakers → ${response.status}`);
  const body = (await response.json()) as { breakers: BreakerRow[] };
  return body.breakers;
}

/** Signs in as the e2e operator (playwright.config.ts BREAKWATER_USERS); the Cookie header value. */
async function signInAsOperator(): Promise<string> {
  const response = await fetch(`${webUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: new URL(webUrl).origin },
    body: JSON.stringify({ username: "operator", password: "operator-e2e-password" }),
  });
  if (!response.ok) throw new Error(`sign-in → ${response.status}: ${await response.text()}`);
  return (response.headers.get("set-cookie") ?? "").split(";")[0];
}

async function setFault(instanceId: string, spec: Record<string, number> | null): Promise<void> {
  // Changing faults needs an operator session and a same-origin request.
  const cookie = await signInAsOperator();
  const response = await fetch(`${webUrl}/api/v1/instances/${instanceId}/faults`, {
    method: spec === null ? "DELETE" : "PUT",
    headers: { "content-type": "application/json", cookie, origin: new URL(webUrl).origin },
    body: spec === null ? undefined : JSON.stringify(spec),
  });
  if (!response.ok) throw new Error(`fault ${instanceId} → ${response.status}: ${await response.text()}`);
}

test("the overview lists every demo service with live numbers", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/");
  const rows = page.getByTestId("service-row");
  for (const service of DEMO_SERVICES) {
    await expect(rows.filter({ hasText: new RegExp(`^\\s*${service}\\b`) })).toBeVisible({ timeout: DEMO_WARM_UP_MS });
  }
  await screenshot(page, "demo-overview");
});

test("the topology shows the gateway → orders → payments path, and an edge opens its panel with a latency chart", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/topology?range=15m");
  for (const service of ["gateway", "orders", "payments"]) {
    await expect(topologyNode(page, service)).toBeVisible({ timeout: DEMO_WARM_UP_MS });
  }
  const gatewayOrders = topologyEdge(page, "gateway", "orders");
  const ordersPayments = topologyEdge(page, "orders", "payments");
  await expect(gatewayOrders).toBeVisible({ timeout: DEMO_WARM_UP_MS });
  await expect(ordersPayments).toBeVisible({ timeout: DEMO_WARM_UP_MS });
  await screenshot(page, "demo-topology");

  await ordersPayments.click();
  const panel = page.getByTestId("topology-panel");
  await expect(panel).toBeVisible();
  await expect(panel).toContainText("orders");
  await expect(panel).toContainText("payments");
  const latency = panel.getByTestId("edge-latency-chart");
  await expect(latency).toBeVisible();
  await expect(latency.locator("svg.recharts-surface")).toBeVisible();
  await expect(latency).toContainText("ms");
  await screenshot(page, "demo-topology-edge-panel");
});

test("a trace opens from the search scatter and its waterfall shows the spans", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  // Paused, as someone inspecting does: live, the sliding window moves every point each 2 s.
  await page.goto("/traces?service=gateway&range=15m&refresh=off");
  const points = page.getByTestId("scatter-point");
  await expect(async () => {
    await page.reload();
    await expect(points.first()).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: DEMO_WARM_UP_MS });
  await screenshot(page, "demo-traces");
  // Live traffic draws points on top of each other: the last one drawn is never covered.
  const point = points.last();
  const traceId = await point.getAttribute("data-trace-id");
  await point.click();
  await expect(page).toHaveURL(new RegExp(`/traces/${traceId}`));
  const rows = page.getByTestId("span-row");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(1);
  await expect(page.getByRole("list", { name: "Service colours" })).toContainText("gateway");
  await screenshot(page, "demo-trace-detail");
});

test("a fault on payments-1 trips the breaker: open on the Breakers page and on the topology edge within 5 s", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/breakers");
  try {
    await setFault("payments-1", { errorRate: 1 });
    // The moment Breakwater first holds the open state (from orders' heartbeat) …
    await expect
      .poll(
        async () =>
          (await breakers()).some(
            (b) => b.ownerService === "orders" && b.targetInstanceId === "payments-1" && b.state === "open",
          ),
        { timeout: 90_000, intervals: [250] },
      )
      .toBe(true);
    const openedAt = Date.now();
    // … the Breakers page, already open and refreshing live, shows it within 5 s …
    const openRow = page
      .getByTestId("breaker-row")
      .filter({ has: page.getByTestId("breaker-target").filter({ hasText: "payments-1" }) })
      .and(page.locator('[data-state="open"]'));
    await expect(openRow.first()).toBeVisible({ timeout: 5_000 });
    await expect(page.getByTestId("breakers-banner")).toContainText("payments-1");
    expect(Date.now() - openedAt).toBeLessThanOrEqual(5_000);
    await screenshot(page, "demo-breakers-open");

    // … and the topology's orders → payments edge is marked open.
    const topologyStart = Date.now();
    await page.goto("/topology?range=15m");
    const edge = topologyEdge(page, "orders", "payments");
    await expect(edge).toHaveAttribute("data-breaker-state", "open", { timeout: 5_000 });
    await expect(edge).toContainText(/open/i);
    expect(Date.now() - topologyStart).toBeLessThanOrEqual(5_000 + 2_000 /* page load */);
    await screenshot(page, "demo-topology-breaker-open");
  } finally {
    await setFault("payments-1", null);
  }
});

test("hostile span values render as inert text on every page that shows them", async ({ page }) => {
  const IMG = `<img src=x onerror=alert(1)>`;
  const JS_URL = "javascript:alert(1)";
  const service = `xss-${randomBytes(2).toString("hex")}-${IMG}`;
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });

  // One trace: a hostile service name, operation name, attribute values and a peer.
  const traceId = randomBytes(16).toString("hex");
  const root = randomBytes(8).toString("hex");
  const client = randomBytes(8).toString("hex");
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const attributes = [
    { key: "http.route", value: { stringValue: IMG } },
    { key: "url.full", value: { stringValue: JS_URL } },
    { key: "server.address", value: { stringValue: JS_URL } },
  ];
  const response = await fetch(`${otlpHttpUrl}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
          scopeSpans: [
            {
              scope: { name: "e2e-hostile" },
              spans: [
                {
                  traceId,
                  spanId: root,
                  name: `GET ${IMG}`,
                  kind: 2,
                  startTimeUnixNano: (nowNs - 80_000_000n).toString(),
                  endTimeUnixNano: nowNs.toString(),
                  attributes,
                  status: { code: 2, message: IMG },
                },
                {
                  traceId,
                  spanId: client,
                  parentSpanId: root,
                  name: `call ${JS_URL}`,
                  kind: 3,
                  startTimeUnixNano: (nowNs - 70_000_000n).toString(),
                  endTimeUnixNano: (nowNs - 10_000_000n).toString(),
                  attributes: [...attributes, { key: "db.system.name", value: { stringValue: IMG } }],
                },
              ],
            },
          ],
        },
      ],
    }),
  });
  expect(response.status).toBe(200);

  const encoded = encodeURIComponent(service);
  const pages = [
    { path: "/?range=15m", shows: service },
    { path: "/topology?range=15m", shows: service },
    { path: `/services/${encoded}?range=15m`, shows: `GET ${IMG}` },
    { path: `/traces?service=${encoded}&range=15m`, shows: `GET ${IMG}` },
    { path: `/traces/${traceId}?span=${root}`, shows: JS_URL },
  ];
  for (const { path, shows } of pages) {
    await page.goto(path);
    await expect(page.locator("main").getByText(shows, { exact: false }).filter({ visible: true }).first()).toBeVisible({
      timeout: 30_000,
    });
    // Nothing became markup, a link or a script.
    await expect(page.locator('main img[src="x"], img[onerror]')).toHaveCount(0);
    await expect(page.locator('a[href^="javascript"]')).toHaveCount(0);
    expect(dialogs, `dialogs on ${path}`).toEqual([]);
  }
});
