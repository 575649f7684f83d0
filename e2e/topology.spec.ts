import { expect, type Locator, type Page, test } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import { demoShapeRequests } from "../lib/queries/topology-test-fixtures";

/**
 * The Topology journey: the demo shop's call graph sent over OTLP/JSON (every service named
 * "tp-…", so other specs' services in the shared database do not matter), plus heartbeats in
 * which tp-orders reports one open and one closed breaker to tp-payments. The graph, an
 * edge's panel with its latency chart, search, focus, keyboard selection and the three
 * exports. (The card network's edge needs its client spans' 60 s pairing TTL to pass before
 * it exists; the integration tests cover it.)
 */

const webUrl = process.env.BREAKWATER_E2E_WEB_URL ?? "http://127.0.0.1:3100";
const otlpHttpUrl = process.env.BREAKWATER_E2E_OTLP_HTTP_URL ?? "http://127.0.0.1:14318";
const SCREENSHOT_DIR = "test-results/screenshots";
const PREFIX = "tp-";
const PAGE = "/topology?range=15m";

const node = (page: Page, id: string) =>
  page.getByTestId("topology-graph").locator(`[data-testid="topology-node"][data-node-id="${id}"]`);
const edgeLabel = (page: Page, source: string, target: string) =>
  page
    .getByTestId("topology-graph")
    .locator(`[data-testid="topology-edge-label"][data-edge-source="${source}"][data-edge-target="${target}"]`);

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-1280x800.png` });
}

/** Clicks until the URL shows the change: a click before hydration would be lost. */
async function clickUntilUrl(page: Page, target: Locator, url: RegExp) {
  await expect(async () => {
    await target.click();
    await expect(page).toHaveURL(url, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

const breakerReport = (targetInstanceId: string, state: "open" | "closed") => ({
  targetService: `${PREFIX}payments`,
  targetInstanceId,
  targetVersion: "v1",
  state,
  stateSince: new Date(Date.now() - 30_000).toISOString(),
  calls: 10,
  failedCalls: state === "open" ? 8 : 0,
  slowCalls: 0,
  failureRate: state === "open" ? 80 : 0,
  slowCallRate: 0,
  notPermittedCalls: state === "open" ? 3 : 0,
  config: {
    failureRateThreshold: 50,
    slowCallDurationMs: 1_000,
    slowCallRateThreshold: 80,
    windowMs: 10_000,
    minimumCalls: 5,
    openWaitMs: 30_000,
    halfOpenCalls: 3,
  },
  transitions: [],
});

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  // The spans start 30 s ago; each service's spans are one OTLP/JSON request, as an SDK sends them.
  for (const request of demoShapeRequests(Date.now() - 30_000, PREFIX)) {
    const response = await fetch(`${otlpHttpUrl}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
    expect(response.status, await response.text()).toBe(200);
  }
  const response = await fetch(`${webUrl}/api/v1/heartbeats`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      service: `${PREFIX}orders`,
      instanceId: `${PREFIX}orders-1`,
      version: "v1",
      address: "http://127.0.0.1:9",
      status: "healthy",
      ttlMs: 300_000,
      sentAt: new Date().toISOString(),
      sequence: 1,
      breakers: [breakerReport(`${PREFIX}payments-1`, "open"), breakerReport(`${PREFIX}payments-2`, "closed")],
    }),
  });
  expect(response.status, await response.text()).toBe(200);
});

test("the graph shows the services, the database as a virtual node, and the open breaker", async ({ page }) => {
  await page.goto(PAGE);
  await expect(page.getByRole("heading", { level: 1, name: "Topology" })).toBeVisible();
  for (const service of ["loadgen", "gateway", "catalog", "orders", "inventory", "payments"]) {
    await expect(node(page, `${PREFIX}${service}`)).toBeVisible();
    await expect(node(page, `${PREFIX}${service}`)).toHaveAttribute("data-virtual", "false");
  }
  await expect(node(page, "postgresql")).toHaveAttribute("data-virtual", "true");
  // Health by server-span error rate: 2 of tp-orders' 10 requests failed (20 % ≥ 10 %).
  await expect(node(page, `${PREFIX}orders`)).toHaveAttribute("data-health", "failing");
  await expect(node(page, `${PREFIX}catalog`)).toHaveAttribute("data-health", "healthy");
  await expect(node(page, `${PREFIX}loadgen`)).toHaveAttribute("data-health", "no_traffic");

  // Edge labels: rate, error % and p95 in ms.
  const catalogCall = edgeLabel(page, `${PREFIX}gateway`, `${PREFIX}catalog`);
  await expect(catalogCall).toContainText("req/s");
  await expect(catalogCall).toContainText("0 %");
  await expect(catalogCall).toContainText(/p95 \d+(\.\d+)? ms/);
  await expect(edgeLabel(page, `${PREFIX}inventory`, "postgresql")).toContainText("10 %");

  // One of tp-orders' two breakers to tp-payments is open: the edge says so.
  const paymentsCall = edgeLabel(page, `${PREFIX}orders`, `${PREFIX}payments`);
  await expect(paymentsCall).toHaveAttribute("data-breaker-state", "open");
  await expect(paymentsCall).toContainText("open 1/2");
  await expect(page.getByTestId("topology-legend")).toContainText("breaker open");
  await screenshot(page, "topology-graph");
});

test("clicking an edge opens its panel with the edge's numbers and a latency chart", async ({ page }) => {
  await page.goto(PAGE);
  const call = edgeLabel(page, `${PREFIX}gateway`, `${PREFIX}orders`);
  await clickUntilUrl(page, call, /caller=tp-gateway&callee=tp-orders/);
  const panel = page.getByTestId("topology-panel");
  await expect(panel.getByRole("heading", { name: `${PREFIX}gateway → ${PREFIX}orders` })).toBeVisible();
  await expect(panel.getByTestId("topology-key-numbers")).toContainText("10 calls");
  await expect(panel.getByTestId("topology-key-numbers")).toContainText("20 %");
  const latency = panel.getByTestId("edge-latency-chart");
  await expect(latency).toContainText("Latency (ms)");
  await expect(latency.locator(".recharts-line").first()).toBeAttached();
  await expect(panel.getByRole("link", { name: `Traces of ${PREFIX}gateway →` })).toHaveAttribute(
    "href",
    /^\/traces\?service=tp-gateway&range=15m$/,
  );

  // The breaker edge's panel says what is open.
  await clickUntilUrl(page, edgeLabel(page, `${PREFIX}orders`, `${PREFIX}payments`), /callee=tp-payments/);
  await expect(panel.getByTestId("topology-edge-breakers")).toContainText("open 1/2");
  await screenshot(page, "topology-edge-panel");

  // Escape-free close: the close button clears the selection from the URL.
  await panel.getByRole("button", { name: "Close details" }).click();
  await expect(page).not.toHaveURL(/caller=/);
  await expect(page.getByTestId("topology-panel")).toHaveCount(0);
});

test("search highlights matching nodes and Enter selects them", async ({ page }) => {
  await page.goto(PAGE);
  await expect(node(page, `${PREFIX}payments`)).toBeVisible();
  const search = page.getByRole("searchbox", { name: "Search nodes" });
  await search.fill("tp-pay");
  await expect(node(page, `${PREFIX}payments`)).toHaveAttribute("data-match", "true");
  await expect(node(page, `${PREFIX}orders`)).toHaveAttribute("data-match", "false");
  await expect(page.getByText("1 match")).toBeVisible();
  await search.press("Enter");
  await expect(page).toHaveURL(/node=tp-payments/);
  await expect(page.getByTestId("topology-panel").getByRole("heading", { name: `${PREFIX}payments` })).toBeVisible();
  await expect(page.getByTestId("node-latency-chart")).toBeVisible();
  await search.press("Escape");
  await expect(search).toHaveValue("");
  await expect(node(page, `${PREFIX}orders`)).toHaveAttribute("data-match", "false");
});

test("a node is selected from the keyboard", async ({ page }) => {
  await page.goto(PAGE);
  const catalog = page.locator(`.react-flow__node[data-id="${PREFIX}catalog"]`);
  await expect(catalog).toBeVisible();
  await expect(async () => {
    await catalog.focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/node=tp-catalog/, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId("topology-panel").getByRole("heading", { name: `${PREFIX}catalog` })).toBeVisible();
});

test("focus shows only what is within N hops of a node", async ({ page }) => {
  await page.goto(`${PAGE}&focus=${PREFIX}inventory`);
  await expect(node(page, `${PREFIX}inventory`)).toBeVisible();
  await expect(node(page, `${PREFIX}orders`)).toBeVisible();
  await expect(node(page, "postgresql")).toBeVisible();
  await expect(node(page, `${PREFIX}gateway`)).toHaveCount(0);
  await expect(node(page, `${PREFIX}catalog`)).toHaveCount(0);

  // Two hops reach the gateway (through orders) and payments, not yet loadgen or catalog.
  const hops = page.getByLabel("Hops around the focus");
  await expect(async () => {
    await hops.selectOption("2");
    await expect(page).toHaveURL(/hops=2/, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(node(page, `${PREFIX}gateway`)).toBeVisible();
  await expect(node(page, `${PREFIX}payments`)).toBeVisible();
  await expect(node(page, `${PREFIX}loadgen`)).toHaveCount(0);
  await screenshot(page, "topology-focus");

  await page.getByLabel("Focus", { exact: true }).selectOption("");
  await expect(page).not.toHaveURL(/focus=/);
  await expect(node(page, `${PREFIX}loadgen`)).toBeVisible();
});

test("the graph downloads as PNG, SVG and JSON", async ({ page }) => {
  await page.goto(`${PAGE}&focus=${PREFIX}orders&hops=1`);
  await expect(node(page, `${PREFIX}orders`)).toBeVisible();
  const exports = page.getByRole("group", { name: "Export the graph" });

  const [png] = await Promise.all([page.waitForEvent("download"), exports.getByRole("button", { name: "PNG" }).click()]);
  expect(png.suggestedFilename()).toMatch(/^breakwater-topology-.*\.png$/);
  const pngBytes = readFileSync(await png.path());
  expect(pngBytes.subarray(1, 4).toString()).toBe("PNG");
  expect(pngBytes.length).toBeGreaterThan(5_000);

  const [svg] = await Promise.all([page.waitForEvent("download"), exports.getByRole("button", { name: "SVG" }).click()]);
  expect(svg.suggestedFilename()).toMatch(/\.svg$/);
  const svgText = readFileSync(await svg.path(), "utf8");
  expect(svgText).toContain("<svg");
  expect(svgText).toContain(`${PREFIX}orders`);

  const [json] = await Promise.all([page.waitForEvent("download"), exports.getByRole("button", { name: "JSON" }).click()]);
  expect(json.suggestedFilename()).toMatch(/\.json$/);
  const graph = JSON.parse(readFileSync(await json.path(), "utf8")) as {
    focus: { node: string; hops: number };
    nodes: { id: string }[];
    edges: { source: string; target: string; breakerSummary: string | null }[];
  };
  expect(graph.focus).toEqual({ node: `${PREFIX}orders`, hops: 1 });
  expect(graph.nodes.map((n) => n.id).sort()).toEqual([
    `${PREFIX}gateway`,
    `${PREFIX}inventory`,
    `${PREFIX}orders`,
    `${PREFIX}payments`,
  ]);
  expect(graph.edges.find((e) => e.target === `${PREFIX}payments`)?.breakerSummary).toBe("open 1/2");
});

test("a weight change shows as a numbered annotation in the side panel of the service and of its callers' edge", async ({
  page,
}) => {
  // A route of tp-orders as a gateway declares it (no ingest tokens in this server), then an
  // operator's weight change through the API, from the signed-in page (cookie, Origin).
  const routeId = `${PREFIX}orders`;
  const declared = await fetch(`${webUrl}/api/v1/routes`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      id: routeId,
      service: `${PREFIX}orders`,
      backends: [
        { version: "v1", weight: 100 },
        { version: "v2", weight: 0 },
      ],
    }),
  });
  expect(declared.status, await declared.text()).toBeLessThan(300);

  await page.goto(`/login?next=${encodeURIComponent(PAGE)}`);
  await page.getByLabel(/user\s*name/i).fill("operator");
  await page.getByLabel(/^password$/i).fill("operator-e2e-password");
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page).toHaveURL(/\/topology\?range=15m$/);

  const reason = `e2e topology annotation ${Date.now()}`;
  const changed = await page.evaluate(
    async ({ routeId, reason }) => {
      const detail = (await (await fetch(`/api/v1/routes/${routeId}`)).json()) as { route: { version: number } };
      const response = await fetch(`/api/v1/routes/${routeId}/weights`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          version: detail.route.version,
          backends: [
            { version: "v1", weight: 80 },
            { version: "v2", weight: 20 },
          ],
          reason,
        }),
      });
      return { status: response.status, body: (await response.json()) as { route?: { version: number } } };
    },
    { routeId, reason },
  );
  expect(changed.status, JSON.stringify(changed.body)).toBe(200);
  const version = changed.body.route?.version;

  // The node's panel: a numbered route marker on its charts, the same number in the list.
  await page.goto(`${PAGE}&node=${PREFIX}orders`);
  const panel = page.getByTestId("topology-panel");
  const marker = panel.locator('[data-testid="chart-annotation"][data-kind="route"]');
  await expect(marker.first()).toBeVisible();
  const item = panel.locator('[data-testid="annotation-item"][data-kind="route"]').filter({ hasText: reason });
  await expect(item).toContainText(`Weights of route ${routeId} (v${version}): v1 100 → 80 %, v2 0 → 20 %`);
  const number = (await item.getByLabel(/^Marker \d+$/).textContent()) ?? "";
  await expect(marker.filter({ hasText: new RegExp(`^${number}$`) }).first()).toBeVisible();
  await screenshot(page, "topology-node-annotation");
  await panel.getByTestId("topology-annotations").scrollIntoViewIfNeeded();
  await screenshot(page, "topology-node-annotation-list");

  // With the node selected, its callers' edge opens from its label (the pane's click used to
  // clear the new selection) and shows the route's changes too: the gateway is balanced by it.
  await clickUntilUrl(page, edgeLabel(page, `${PREFIX}gateway`, `${PREFIX}orders`), /caller=tp-gateway&callee=tp-orders/);
  await expect(panel.getByRole("heading", { name: `${PREFIX}gateway → ${PREFIX}orders` })).toBeVisible();
  await expect(panel.locator('[data-testid="annotation-item"][data-kind="route"]').filter({ hasText: reason })).toBeVisible();
  await expect(panel.locator('[data-testid="chart-annotation"][data-kind="route"]').first()).toBeVisible();
});
