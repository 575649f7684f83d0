import { expect, test } from "@playwright/test";

/** The shell from the keyboard: skip link, landmarks, and reaching a page through the sidebar. */

test("the first Tab offers a skip link that moves focus to the content", async ({ page }) => {
  await page.goto("/traces");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
});

test("Tab reaches the sidebar and Enter opens Traces, marked as the current page", async ({ page }) => {
  await page.goto("/topology");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("Breakwater");

  const tracesLink = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Traces" });
  let reached = false;
  for (let presses = 0; presses < 15 && !reached; presses += 1) {
    await page.keyboard.press("Tab");
    reached = await tracesLink.evaluate((element) => element === document.activeElement);
  }
  expect(reached).toBe(true);
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(/\/traces$/);
  await expect(page.getByRole("heading", { level: 1, name: "Traces" })).toBeVisible();
  // The real page: its empty state on a fresh database, or its results.
  await expect(page.getByText("No services have sent spans yet").or(page.getByText("Matching traces"))).toBeVisible();
  await expect(tracesLink).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Topology" })).not.toHaveAttribute(
    "aria-current",
    /.+/,
  );
  await expect(page).toHaveTitle("Traces · Breakwater");
});

test("the Traffic page is built: without a gateway it explains where routes come from", async ({ page }) => {
  await page.goto("/traffic");
  await expect(page.getByRole("heading", { level: 1, name: "Traffic" })).toBeVisible();
  // This server runs no gateway: no route is declared unless another spec declared one.
  await expect(page.getByText("No routes yet").or(page.getByTestId("route-card").first())).toBeVisible();
  await expect(page.getByText("What this page will show")).toHaveCount(0);
});
