import { expect, type Page, test } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";

/**
 * The Traces journey on data this file sends itself (OTLP/JSON to the web port): search by
 * service and by attribute filters, open a trace from the scatter, fold its waterfall, read a
 * span's attributes (hostile values stay text), and a 5,000-span trace that renders and
 * scrolls. Service names carry a per-run suffix, so other specs' data does not interfere.
 */

const webUrl = process.env.BREAKWATER_E2E_WEB_URL ?? "http://127.0.0.1:3100";
const SCREENSHOT_DIR = "test-results/screenshots";
const RUN = randomBytes(3).toString("hex");
const GATEWAY = `e2e-gateway-${RUN}`;
const ORDERS = `e2e-orders-${RUN}`;
const BULK = `e2e-bulk-${RUN}`;
const IMG = "<img src=x onerror=alert(1)>";
const JS_URL = "javascript:alert(1)";

type AttributeInput = Record<string, string | number | boolean>;
type OtlpSpan = Record<string, unknown>;

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

function otlpAttributes(attributes: AttributeInput = {}) {
  return Object.entries(attributes).map(([key, value]) => ({
    key,
    value:
      typeof value === "string"
        ? { stringValue: value }
        : typeof value === "boolean"
          ? { boolValue: value }
          : { intValue: String(value) },
  }));
}

/** A span starting `offsetMs` after `baseMs`, lasting `durationMs`. */
function otlpSpan(fields: {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  baseMs: number;
  offsetMs: number;
  durationMs: number;
  attributes?: AttributeInput;
  isError?: boolean;
  events?: { name: string; offsetMs: number; attributes?: AttributeInput }[];
  links?: { traceId: string; spanId: string; attributes?: AttributeInput }[];
}): OtlpSpan {
  const startNs = BigInt(Math.round((fields.baseMs + fields.offsetMs) * 1_000)) * 1_000n;
  const endNs = startNs + BigInt(Math.round(fields.durationMs * 1_000)) * 1_000n;
  return {
    traceId: fields.traceId,
    spanId: fields.spanId,
    ...(fields.parentSpanId ? { parentSpanId: fields.parentSpanId } : {}),
    name: fields.name,
    kind: fields.kind,
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: endNs.toString(),
    attributes: otlpAttributes(fields.attributes),
    events: (fields.events ?? []).map((event) => ({
      name: event.name,
      timeUnixNano: (startNs + BigInt(Math.round(event.offsetMs * 1_000_000))).toString(),
      attributes: otlpAttributes(event.attributes),
    })),
    links: (fields.links ?? []).map((link) => ({ ...link, attributes: otlpAttributes(link.attributes) })),
    status: fields.isError ? { code: 2, message: "payment declined" } : { code: 1 },
  };
}

async function post(groups: { service: string; spans: OtlpSpan[] }[]) {
  const body = {
    resourceSpans: groups.map((group) => ({
      resource: { attributes: otlpAttributes({ "service.name": group.service, "deployment.environment": "e2e" }) },
      scopeSpans: [{ scope: { name: "breakwater-e2e" }, spans: group.spans }],
    })),
  };
  const response = await fetch(`${webUrl}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST /v1/traces → ${response.status}: ${text}`);
  const parsed = JSON.parse(text || "{}") as { partialSuccess?: { rejectedSpans?: string | number } };
  if (Number(parsed.partialSuccess?.rejectedSpans ?? 0) > 0) throw new Error(`spans rejected: ${text}`);
}

const SPAN = { internal: 1, server: 2, client: 3 } as const;
const checkout = { traceId: hex(16), root: hex(8), client: hex(8), server: hex(8), db: hex(8) };
const health = { traceId: hex(16), root: hex(8) };
const bulk = { traceId: hex(16), root: hex(8) };
const BULK_SPANS = 5_000;

async function seed() {
  const baseMs = Date.now() - 60_000;
  await post([
    {
      service: GATEWAY,
      spans: [
        otlpSpan({
          ...checkout,
          spanId: checkout.root,
          name: "GET /checkout",
          kind: SPAN.server,
          baseMs,
          offsetMs: 0,
          durationMs: 220,
        }),
        otlpSpan({
          traceId: checkout.traceId,
          spanId: checkout.client,
          parentSpanId: checkout.root,
          name: "call orders",
          kind: SPAN.client,
          baseMs,
          offsetMs: 5,
          durationMs: 200,
          attributes: { "breakwater.retry.attempt": 1, "breakwater.backend.version": "v2", note: IMG, homepage: JS_URL },
          events: [{ name: "retry scheduled", offsetMs: 1, attributes: { reason: IMG } }],
          links: [{ traceId: health.traceId, spanId: health.root, attributes: { why: JS_URL } }],
        }),
        otlpSpan({
          ...health,
          spanId: health.root,
          name: "GET /health",
          kind: SPAN.server,
          baseMs,
          offsetMs: 30_000,
          durationMs: 3,
          attributes: { "breakwater.retry.attempt": 0 },
        }),
      ],
    },
    {
      service: ORDERS,
      spans: [
        otlpSpan({
          traceId: checkout.traceId,
          spanId: checkout.server,
          parentSpanId: checkout.client,
          name: "POST /orders",
          kind: SPAN.server,
          baseMs,
          offsetMs: 10,
          durationMs: 180,
          isError: true,
        }),
        otlpSpan({
          traceId: checkout.traceId,
          spanId: checkout.db,
          parentSpanId: checkout.server,
          name: "SELECT orders",
          kind: SPAN.client,
          baseMs,
          offsetMs: 20,
          durationMs: 120,
        }),
      ],
    },
  ]);

  // 5,000 spans: a root, 49 calls under it, ~100 leaves under each call; sent in batches.
  const spans: OtlpSpan[] = [
    otlpSpan({
      traceId: bulk.traceId,
      spanId: bulk.root,
      name: "batch job",
      kind: SPAN.server,
      baseMs,
      offsetMs: 0,
      durationMs: 5_000,
    }),
  ];
  const mids: string[] = [];
  for (let i = 0; i < 49; i++) {
    const spanId = hex(8);
    mids.push(spanId);
    spans.push(
      otlpSpan({
        traceId: bulk.traceId,
        spanId,
        parentSpanId: bulk.root,
        name: `step ${i}`,
        kind: SPAN.internal,
        baseMs,
        offsetMs: i * 100,
        durationMs: 99,
      }),
    );
  }
  for (let i = 0; spans.length < BULK_SPANS; i++) {
    const parent = i % 49;
    const spanId = hex(8);
    spans.push(
      otlpSpan({
        traceId: bulk.traceId,
        spanId,
        parentSpanId: mids[parent],
        name: `item ${i}`,
        kind: SPAN.internal,
        baseMs,
        offsetMs: parent * 100 + (i % 97),
        durationMs: 1,
      }),
    );
  }
  for (let i = 0; i < spans.length; i += 1_000) await post([{ service: BULK, spans: spans.slice(i, i + 1_000) }]);
}

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-1280x800.png` });
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  await seed();
});

test("searches by service and by attribute filters, and opens a trace from the scatter", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/traces?service=${GATEWAY}`);
  await expect(page.getByRole("heading", { level: 1, name: "Traces" })).toBeVisible();
  const rows = page.getByTestId("trace-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("GET /health");
  await expect(rows.filter({ hasText: "GET /checkout" })).toContainText(ORDERS);
  await expect(page.getByTestId("scatter-point")).toHaveCount(2);
  await screenshot(page, "traces-search");

  // Sorting by duration puts the slow checkout first, and the choice lands in the URL.
  await page.getByRole("button", { name: "Duration" }).click();
  await expect(page).toHaveURL(/[?&]sort=duration/);
  await expect(rows.first()).toContainText("GET /checkout");

  // An attribute filter typed in the syntax, applied with Enter.
  await page.getByLabel("Attribute filter", { exact: true }).fill("breakwater.retry.attempt>0");
  await page.getByLabel("Attribute filter", { exact: true }).press("Enter");
  await expect(page).toHaveURL(/attr=breakwater.retry.attempt%3E0/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("GET /checkout");
  await page.getByRole("button", { name: "Remove filter breakwater.retry.attempt>0" }).click();
  await expect(rows).toHaveCount(2);

  // OR between values, and negation.
  await page.getByLabel("Attribute filter", { exact: true }).fill("!breakwater.retry.attempt=1|2");
  await page.getByLabel("Attribute filter", { exact: true }).press("Enter");
  await expect(rows).toHaveCount(2); // the checkout root span has no attempt attribute
  await page.getByRole("button", { name: "Remove filter !breakwater.retry.attempt=1|2" }).click();
  await page.getByLabel("Attribute filter", { exact: true }).fill("breakwater.retry.attempt=0|7");
  await page.getByLabel("Attribute filter", { exact: true }).press("Enter");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("GET /health");
  await page.getByRole("button", { name: "Remove filter breakwater.retry.attempt=0|7" }).click();

  // The resilience quick filter does the same as the typed one; a bad filter is explained.
  await page.getByRole("button", { name: "Retried" }).click();
  await expect(page.getByRole("button", { name: "Retried" })).toHaveAttribute("aria-pressed", "true");
  await expect(rows).toHaveCount(1);
  await page.getByLabel("Attribute filter", { exact: true }).fill("count>many");
  await page.getByLabel("Attribute filter", { exact: true }).press("Enter");
  await expect(page.getByRole("alert").filter({ hasText: "is not a number" })).toBeVisible();

  // Clicking the point opens that trace.
  await page.getByTestId("scatter-point").first().click();
  await expect(page).toHaveURL(new RegExp(`/traces/${checkout.traceId}`));
  await expect(page.getByTestId("trace-id")).toHaveText(checkout.traceId);
});

test("the waterfall shows the spans, folds subtrees, and shows a span's details as inert text", async ({ page }) => {
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/traces/${checkout.traceId}`);
  const rows = page.getByTestId("span-row");
  await expect(rows).toHaveCount(4);
  await expect(page.getByRole("tree")).toContainText("GET /checkout");
  await expect(page.getByRole("list", { name: "Service colours" })).toContainText(ORDERS);
  await expect(page.locator(`[data-span-id="${checkout.server}"]`)).toContainText("POST /orders");
  await expect(page.getByTestId("critical-segment").first()).toBeVisible();

  // Fold the orders server span with its toggle, then unfold it from the keyboard.
  await page.getByRole("button", { name: "Collapse POST /orders" }).click();
  await expect(rows).toHaveCount(3);
  await expect(page.locator(`[data-span-id="${checkout.db}"]`)).toHaveCount(0);
  await page.locator(`[data-span-id="${checkout.server}"]`).click();
  await page.keyboard.press("ArrowRight");
  await expect(rows).toHaveCount(4);
  await page.keyboard.press("ArrowUp");
  await expect(page.locator(`[data-span-id="${checkout.client}"]`)).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(rows).toHaveCount(2);
  await page.keyboard.press("ArrowRight");
  await expect(rows).toHaveCount(4);

  // Enter opens the focused span's details: attributes, events, links, resource.
  await page.keyboard.press("Enter");
  const panel = page.getByTestId("span-detail");
  await expect(panel.getByRole("heading", { name: "call orders" })).toBeVisible();
  await expect(panel.getByTestId("attribute").filter({ hasText: "breakwater.backend.version" })).toContainText("v2");
  await expect(panel.getByTestId("attribute").filter({ hasText: "breakwater.retry.attempt" })).toContainText("1");
  await expect(panel.getByTestId("attribute-value").filter({ hasText: IMG }).first()).toHaveText(IMG);
  await expect(panel.getByTestId("attribute-value").filter({ hasText: JS_URL }).first()).toHaveText(JS_URL);
  await expect(panel).toContainText("retry scheduled");
  await expect(panel).toContainText(`trace ${health.traceId}`);
  await expect(panel).toContainText("deployment.environment");
  // Nothing in the values became markup or a link.
  await expect(page.locator("main img")).toHaveCount(0);
  await expect(page.locator('a[href^="javascript"]')).toHaveCount(0);
  expect(dialogs).toBe(0);
  await expect(page).toHaveURL(new RegExp(`span=${checkout.client}`));

  // The error span is marked and its status message shown.
  await page.locator(`[data-span-id="${checkout.server}"]`).click();
  await expect(panel).toContainText("payment declined");
  await expect(panel.getByText("Error", { exact: true })).toBeVisible();
  await screenshot(page, "trace-detail");
  expect(dialogs).toBe(0);
});

test("a 5,000-span trace renders only the rows in view and scrolls to its last span", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/traces/${bulk.traceId}`);
  await expect(page.getByTestId("trace-facts")).toContainText("Spans5,000", { timeout: 20_000 });
  const rows = page.getByTestId("span-row");
  await expect(rows.first()).toContainText("batch job");
  expect(await rows.count()).toBeLessThan(200);

  // Scroll the waterfall to the end: the last span's row is rendered and visible.
  const waterfall = page.getByTestId("waterfall");
  await waterfall.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
  const lastRow = page.locator(`[data-position="${BULK_SPANS - 1}"]`);
  await expect(lastRow).toBeVisible();
  expect(await rows.count()).toBeLessThan(200);

  // Home from the keyboard goes back to the root; collapse all leaves the root and its 49 steps.
  await lastRow.click();
  await page.keyboard.press("Home");
  await expect(rows.first()).toBeFocused();
  await page.getByRole("button", { name: "Collapse all" }).click();
  await waterfall.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
  await expect(page.locator('[data-position="49"]')).toContainText("step 48");
  await expect(page.locator('[data-position="50"]')).toHaveCount(0);
  await screenshot(page, "trace-detail-5000");
});
