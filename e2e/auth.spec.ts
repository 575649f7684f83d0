import { mkdirSync } from "node:fs";
import { expect, test } from "@playwright/test";

/**
 * Signing in and out through the UI, as the operator from playwright.config.ts
 * (BREAKWATER_USERS). Viewing is open on this server, so the dashboard shows a sign-in link
 * until someone signs in.
 */

const SCREENSHOT_DIR = "test-results/screenshots";

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
});

test("a wrong password shows an error and keeps the user on the sign-in page", async ({ page }) => {
  await page.goto("/login?next=%2Fbreakers");
  await expect(page.getByRole("heading", { name: "Sign in to Breakwater" })).toBeVisible();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/login-1280x800.png` });
  // Keyboard only: the user name field has focus on arrival.
  await expect(page.getByLabel("User name")).toBeFocused();
  await page.keyboard.type("operator");
  await page.keyboard.press("Tab");
  await page.keyboard.type("not-the-password");
  await page.keyboard.press("Enter");
  await expect(page.locator("#login-error")).toHaveText("Wrong user name or password.");
  await expect(page.locator("#login-error")).toHaveAttribute("role", "alert");
  await expect(page).toHaveURL(/\/login\?next=%2Fbreakers$/);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/login-error-1280x800.png` });
  // The password is selected for another try.
  await expect(page.getByLabel("Password")).toBeFocused();
});

test("an empty form says what is missing without calling the server", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("enter a user name")).toBeVisible();
  await expect(page.getByLabel("User name")).toBeFocused();
});

test("an operator signs in from the top bar, sees the user menu, and signs out", async ({ page }) => {
  await page.goto("/breakers");
  const signIn = page.getByRole("banner").getByRole("link", { name: "Sign in" });
  await expect(signIn).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOT_DIR}/top-bar-signed-out-1280x800.png`,
    clip: { x: 0, y: 0, width: 1280, height: 120 },
  });
  await signIn.click();
  await expect(page).toHaveURL(/\/login\?next=%2Fbreakers/);

  await page.getByLabel("User name").fill("operator");
  await page.getByLabel("Password").fill("operator-e2e-password");
  await page.getByRole("button", { name: "Sign in" }).click();

  // Back where the user came from, signed in.
  await expect(page).toHaveURL(/\/breakers$/);
  const menuButton = page.getByRole("button", { name: /operator.*account menu/ });
  await expect(menuButton).toBeVisible();
  await expect(menuButton).toContainText("operator");
  await page.screenshot({
    path: `${SCREENSHOT_DIR}/top-bar-signed-in-1280x800.png`,
    clip: { x: 0, y: 0, width: 1280, height: 120 },
  });

  const session = await page.request.get("/api/v1/auth/session");
  expect(await session.json()).toMatchObject({ user: { username: "operator", role: "operator" } });

  await menuButton.click();
  await expect(page.getByText("Operator: can change weights and inject faults")).toBeVisible();
  await page.screenshot({
    path: `${SCREENSHOT_DIR}/user-menu-open-1280x800.png`,
    clip: { x: 880, y: 0, width: 400, height: 220 },
  });
  // Escape closes the menu and returns focus to its button.
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeHidden();
  await expect(menuButton).toBeFocused();

  await menuButton.click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  const after = await page.request.get("/api/v1/auth/session");
  expect((await after.json()).user).toBeNull();
  await page.goto("/breakers");
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
});
