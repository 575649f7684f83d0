import { expect, type Page, test } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { BreakerReport, HeartbeatInput } from "../lib/control/contract";

/**
 * The service detail journey, on services of its own (sd-*) so other journeys' data does not
 * matter: an unknown name, then traffic sent over OTLP (sd-gateway → sd-orders → postgresql),
 * instances and a breaker reported through heartbeats, a route declared (its audit row is a
 * weight annotation); the page shows charts with units, annotations, operations (sortable,
 * clickable into the charts and the trace search), callers and callees with the breaker,
 * instances with their health strips, and a virtual node's page. Serial: later tests use the data.
 */

const webUrl = process.env.BREAKWATER_E2E_WEB_URL ?? "http://127.0.0.1:3100";
const SCREENSHOT_DIR = "test-results/screenshots";

const SERVER = 2;
const CLIENT = 3;
const STATUS = { ok: 1, error: 2 } as const;

const hexId = (bytes: number) => randomBytes(bytes).toString("hex");
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

type JsonSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: { stringValue: string } }[];
  status: { code: number };
};

function span(fields: {
  traceId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  agoMs: number;
  durationMs: number;
  isError?: boolean;
  attributes?: Record<string, string>;
}): JsonSpan {
  const startNs = (BigInt(Date.now()) - BigInt(Math.round(fields.agoMs))) * 1_000_000n;
  return {
    traceId: fields.traceId,
    spanId: hexId(8),
    ...(fields.parentSpanId === undefined ? {} : { parentSpanId: fields.parentSpanId }),
    name: fields.name,
    kind: fields.kind,
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: (startNs + BigInt(Math.round(fields.durationMs * 1_000_000))).toString(),
    attributes: Object.entries(fields.attributes ?? {}).map(([key, value]) => ({ key, value: { stringValue: value } })),
    status: { code: fields.isError === true ? STATUS.error : STATUS.ok },
  };
}

/**
 * 24 requests over the last ~4 minutes: sd-gateway calls sd-orders (GET /orders, every fourth
 * failing), which reads postgresql; and 6 POST /orders without a caller. One request, so each
 * client span pairs with its server span in the writer's batch.
 */
async function sendTraffic(): Promise<void> {
  const gateway: JsonSpan[] = [];
  const orders: JsonSpan[] = [];
  for (let i = 0; i < 24; i++) {
    const traceId = hexId(16);
    const agoMs = 5_000 + i * 10_000;
    const call = span({
      traceId,
      name: "GET /orders",
      kind: CLIENT,
      agoMs,
      durationMs: 30 + i * 4,
      isError: i % 4 === 0,
      attributes: { "server.address": "sd-orders.internal" },
    });
    gateway.push(call);
    const server = span({
      traceId,
      parentSpanId: call.spanId,
      name: "GET /orders",
      kind: SERVER,
      agoMs: agoMs - 1,
      durationMs: 25 + i * 4,
      isError: i % 4 === 0,
    });
    orders.push(server);
    orders.push(
      span({
        traceId,
        parentSpanId: server.spanId,
        name: "SELECT orders",
        kind: CLIENT,
        agoMs: agoMs - 3,
        durationMs: 4 + (i % 5),
        attributes: { "db.system": "postgresql" },
      }),
    );
    if (i % 4 === 1) orders.push(span({ traceId: hexId(16), name: "POST /orders", kind: SERVER, agoMs, durationMs: 120 + i }));
  }
  const body = {
    resourceSpans: [
      ["sd-gateway", gateway],
      ["sd-orders", orders],
    ].map(([service, spans]) => ({
      resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
      scopeSpans: [{ scope: { name: "breakwater-e2e" }, spans }],
    })),
  };
  const response = await fetch(`${webUrl}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.text()).toBe(200);
}

let sequence = 0;

async function postHeartbeat(beat: Omit<HeartbeatInput, "sentAt" | "sequence" | "address">) {
  const response = await fetch(`${webUrl}/api/v1/heartbeats`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ address: "http://127.0.0.1:9", sentAt: new Date().toISOString(), sequence: ++sequence, ...beat }),
  });
  expect(response.status, await response.text()).toBe(200);
}

const BREAKER: Omit<BreakerReport, "targetService" | "targetInstanceId" | "state" | "stateSince" | "transitions"> = {
  targetVersion: "v1",
  calls: 12,
  failedCalls: 9,
  slowCalls: 0,
  failureRate: 75,
  slowCallRate: 0,
  notPermittedCalls: 4,
  config: {
    failureRateThreshold: 50,
    slowCallDurationMs: 1_000,
    slowCallRateThreshold: 80,
    windowMs: 10_000,
    minimumCalls: 5,
    openWaitMs: 30_000,
    halfOpenCalls: 3,
  },
};

/** Two sd-orders instances (v2 turning degraded), and sd-gateway's breaker to sd-orders-1, tripped a minute ago. */
async function sendHeartbeatsAndRoute(): Promise<void> {
  await postHeartbeat({ service: "sd-orders", instanceId: "sd-orders-1", version: "v1", status: "healthy", ttlMs: 300_000 });
  await postHeartbeat({ service: "sd-orders", instanceId: "sd-orders-2", version: "v2", status: "healthy", ttlMs: 300_000 });
  await postHeartbeat({ service: "sd-orders", instanceId: "sd-orders-2", version: "v2", status: "degraded", ttlMs: 300_000 });
  await postHeartbeat({
    service: "sd-gateway",
    instanceId: "sd-gateway-1",
    version: "v1",
    status: "healthy",
    ttlMs: 300_000,
    breakers: [
      {
        ...BREAKER,
        targetService: "sd-orders",
        targetInstanceId: "sd-orders-1",
        state: "open",
        stateSince: ago(60_000),
        transitions: [{ from: "closed", to: "open", at: ago(60_000), reason: "failure rate 75% ≥ 50% over 12 calls" }],
      },
    ],
  });
  const response = await fetch(`${webUrl}/api/v1/routes`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      id: "sd-orders",
      service: "sd-orders",
      backends: [
        { version: "v1", weight: 90 },
        { version: "v2", weight: 10 },
      ],
      instanceId: "sd-gateway-1",
    }),
  });
  expect([200, 201], await response.text()).toContain(response.status);
}

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-1280x800.png`, fullPage: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-1280x800-viewport.png` });
}

/**
 * The page is hydrated once its charts are drawn (they are rendered in the browser only);
 * a click before that would be lost.
 */
async function waitForHydration(page: Page) {
  await expect(page.getByTestId("chart-latency").locator(".recharts-surface")).toBeVisible({ timeout: 20_000 });
}

/** Clicks until the URL shows the change (a busy machine may still be attaching handlers). */
async function clickUntilUrl(page: Page, click: () => Promise<unknown>, url: RegExp) {
  await expect(async () => {
    await click();
    await expect(page).toHaveURL(url, { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
}

test.describe.configure({ mode: "serial" });

test("an unknown service says so and links to the list", async ({ page }) => {
  await page.goto("/services/sd-nope");
  await expect(page.getByTestId("unknown-service")).toContainText("No service called “sd-nope”");
  await expect(page.getByRole("link", { name: "All services" })).toHaveAttribute("href", "/services");
  await expect(page).toHaveTitle("sd-nope · Breakwater");
});

test("a service's page: charts with units and annotations, operations, callers and callees, instances", async ({ page }) => {
  await sendTraffic();
  await sendHeartbeatsAndRoute();

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/services/sd-orders?range=15m");
  await expect(page.getByRole("heading", { level: 1, name: "sd-orders" })).toBeVisible();
  await expect(page.getByTestId("chart-subject")).toContainText("Requests the service served");
  await expect(page.getByTestId("chart-subject")).toContainText("per minute over the last 15 minutes");

  // Charts: drawn lines, axis labels with units, time axis.
  for (const [testId, label] of [
    ["chart-latency", "Latency (ms)"],
    ["chart-rate", "Rate (req/s)"],
    ["chart-errors", "Errors (%)"],
  ] as const) {
    const chart = page.getByTestId(testId);
    await expect(chart.locator(".recharts-line-curve, .recharts-area-curve").first()).toBeVisible();
    await expect(chart.getByText(label, { exact: true })).toBeVisible();
    await expect(chart.getByText("Time (local)")).toBeVisible();
  }
  await expect(page.getByTestId("chart-latency").locator(".recharts-line-curve")).toHaveCount(3);

  // Annotations: the route declaration and the breaker tripping, on the charts and in the list.
  const annotations = page.getByTestId("annotation-item");
  await expect(annotations.filter({ hasText: "Weights of route sd-orders" })).toContainText("created: v1 90 %, v2 10 %");
  await expect(annotations.filter({ hasText: "sd-gateway-1 → sd-orders-1" })).toContainText("failure rate 75%");
  await expect(page.getByTestId("chart-latency").getByTestId("chart-annotation")).toHaveCount(2);

  // Operations, busiest first.
  const operations = page.getByTestId("operation-row");
  await expect(operations.nth(0)).toHaveAttribute("data-operation", "GET /orders");
  await expect(operations.nth(1)).toHaveAttribute("data-operation", "SELECT orders");
  await expect(operations.nth(2)).toHaveAttribute("data-operation", "POST /orders");
  await expect(operations.nth(0)).toContainText("Server");
  await expect(operations.nth(0)).toContainText("25 %");
  await expect(operations.nth(0)).toContainText("req/s");
  await expect(operations.nth(1)).toContainText("Client");

  // Callers and callees, with the breaker on the caller's edge.
  const upstream = page.getByTestId("edges-upstream").getByTestId("edge-row");
  await expect(upstream).toHaveCount(1);
  await expect(upstream).toHaveAttribute("data-peer", "sd-gateway");
  await expect(upstream.getByTestId("edge-breakers")).toHaveAttribute("data-state", "open");
  await expect(upstream).toContainText("1 open");
  const downstream = page.getByTestId("edges-downstream").getByTestId("edge-row");
  await expect(downstream).toHaveAttribute("data-peer", "postgresql");
  await expect(downstream).toContainText("virtual");

  // Instances with their health over the range.
  const instances = page.getByTestId("instance-row");
  await expect(instances).toHaveCount(2);
  await expect(instances.nth(0)).toContainText("sd-orders-1");
  await expect(instances.nth(0)).toContainText("Healthy");
  await expect(instances.nth(1)).toContainText("Degraded");
  await expect(instances.nth(1).getByTestId("health-segment").last()).toHaveAttribute("data-status", "degraded");

  await page.waitForTimeout(500);
  await screenshot(page, "service-detail");
});

test("sorting the operations and picking one keeps both in the URL and filters the charts", async ({ page }) => {
  await page.goto("/services/sd-orders?range=15m");
  await waitForHydration(page);
  const operations = page.getByTestId("operation-row");
  await expect(operations.nth(0)).toHaveAttribute("data-operation", "GET /orders");

  await clickUntilUrl(page, () => page.getByRole("button", { name: "p95" }).click(), /sort=p95/);
  await expect(operations.nth(0)).toHaveAttribute("data-operation", "POST /orders");

  await clickUntilUrl(
    page,
    () => operations.filter({ hasText: "GET /orders" }).getByRole("button").first().click(),
    /operation=GET/,
  );
  await expect(page).toHaveURL(/kind=server/);
  await expect(page.getByTestId("chart-subject")).toContainText("Operation GET /orders (server spans)");
  await expect(operations.filter({ hasText: "GET /orders" }).getByRole("button").first()).toHaveAttribute("aria-pressed", "true");
  const traces = operations.filter({ hasText: "GET /orders" }).getByRole("link", { name: "Traces of GET /orders" });
  await expect(traces).toHaveAttribute("href", /^\/traces\?service=sd-orders&operation=GET\+%2Forders&range=15m/);
  await screenshot(page, "service-detail-operation");

  await page.getByRole("button", { name: "Show the whole service" }).click();
  await expect(page).not.toHaveURL(/operation=/);
  await expect(page.getByTestId("chart-subject")).toContainText("Requests the service served");
});

test("the keyboard reaches an operation and charts it", async ({ page }) => {
  // Paused: a refresh re-renders the chart, which puts its keyboard cursor back on the first bucket.
  await page.goto("/services/sd-orders?range=15m&refresh=off");
  await waitForHydration(page);
  const button = page.getByTestId("operation-row").filter({ hasText: "POST /orders" }).getByRole("button").first();
  await expect(button).toBeVisible();
  await expect(async () => {
    await button.focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/operation=POST/, { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await expect(button).toBeFocused();
  await expect(page.getByTestId("chart-subject")).toContainText("Operation POST /orders");

  // A chart takes focus and shows its first bucket (nothing yet); → moves through the
  // buckets until one with calls.
  const chart = page.getByTestId("chart-latency").getByRole("application");
  const tooltip = page.getByTestId("chart-latency").locator(".recharts-tooltip-wrapper");
  await chart.focus();
  await expect(chart).toBeFocused();
  await expect(tooltip).toContainText("No requests");
  await expect(async () => {
    await page.keyboard.press("ArrowRight");
    await expect(tooltip).toContainText(/\d+ calls?, \d+ errors?/, { timeout: 200 });
  }).toPass({ timeout: 15_000 });
  await expect(tooltip).toContainText("ms");
  await screenshot(page, "service-detail-keyboard-tooltip");
});

test("a range without traffic says so, and a range the server refuses shows its error", async ({ page }) => {
  const dayAgo = Date.now() - 86_400_000;
  const quiet = new URLSearchParams({
    range: "custom",
    from: new Date(dayAgo - 3_600_000).toISOString(),
    to: new Date(dayAgo).toISOString(),
  });
  await page.goto(`/services/sd-orders?${quiet}`);
  await expect(page.getByRole("heading", { level: 1, name: "sd-orders" })).toBeVisible();
  await expect(page.getByTestId("chart-latency")).toContainText("No requests in the chosen range");
  await expect(page.getByTestId("chart-errors")).toContainText("No requests, so no error rate");
  await expect(page.getByTestId("operations-empty")).toContainText("No spans from sd-orders in the chosen range");
  // The caller's breaker is still listed, without calls; the database had none.
  await expect(page.getByTestId("edges-upstream").getByTestId("edge-row")).toContainText("No calls in this range");
  await expect(page.getByTestId("edges-downstream-empty")).toBeVisible();
  await screenshot(page, "service-detail-empty-range");

  const tooLong = new URLSearchParams({
    range: "custom",
    from: new Date(dayAgo - 10 * 86_400_000).toISOString(),
    to: new Date(dayAgo).toISOString(),
  });
  await page.goto(`/services/sd-orders?${tooLong}`);
  const alert = page.getByRole("alert").filter({ hasText: "Could not load this service" });
  await expect(alert).toContainText("the range must be at most 7 days");
  await expect(page.getByRole("button", { name: "Retry" })).toBeVisible();
});

test("a name with spaces, accents and a percent sign round-trips through the URL", async ({ page }) => {
  const name = "sd café & 50% off";
  const traceId = hexId(16);
  const response = await fetch(`${webUrl}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: name } }] },
          scopeSpans: [
            {
              scope: { name: "breakwater-e2e" },
              spans: [span({ traceId, name: "GET /menu", kind: SERVER, agoMs: 2_000, durationMs: 15 })],
            },
          ],
        },
      ],
    }),
  });
  expect(response.status).toBe(200);
  await page.goto("/services");
  await page.getByTestId("services-list").getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByTestId("operation-row")).toHaveAttribute("data-operation", "GET /menu");
  await expect(page.getByTestId("chart-rate").locator(".recharts-area-curve")).toBeVisible();
});

test("the list links to each service, and a virtual node's page shows its callers", async ({ page }) => {
  await page.goto("/services");
  await expect(page.getByRole("heading", { level: 1, name: "Services" })).toBeVisible();
  await screenshot(page, "services-list");
  await page.getByTestId("services-list").getByRole("link", { name: "sd-orders", exact: true }).click();
  await expect(page).toHaveURL(/\/services\/sd-orders$/);
  await expect(page.getByRole("heading", { level: 1, name: "sd-orders" })).toBeVisible();

  await page.getByTestId("edges-downstream").getByRole("link", { name: "postgresql" }).click();
  await expect(page).toHaveURL(/\/services\/postgresql$/);
  await expect(page.getByTestId("virtual-service")).toContainText("is not instrumented");
  await expect(page.getByTestId("edges-upstream").getByTestId("edge-row").filter({ hasText: "sd-orders" })).toBeVisible();
  await screenshot(page, "service-detail-virtual");
});
