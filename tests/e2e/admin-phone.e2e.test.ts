import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { order, person, productsWithStock } from "../orders-support.ts";
import { type E2E, startE2E } from "./browser.ts";

/** The admin on a phone: the menu folds into one line, the orders list becomes cards. */
describe("the admin on a phone in Chromium", () => {
  let e2e: E2E;
  let page: Page;
  const password = "sourdough needs patience";

  beforeAll(async () => {
    e2e = await startE2E({ seed: true, config: { API_RATE_LIMIT_PER_MINUTE: "100000" } });
    await e2e.t.services.accounts.manage.register(
      { email: "ada.admin@example.com", password, name: "Ada Admin" },
      { ip: "127.0.0.1", userAgent: "e2e" },
      "admin",
    );
    const products = await productsWithStock(e2e.t, [40, 40, 40]);
    for (const [i, quantity] of [2, 1, 3].entries()) {
      const res = await order(e2e.t, await person(e2e.t), {
        items: [{ productId: products[i].id, quantity }],
      });
      expect(res.status).toBe(201);
    }
    page = await e2e.newPage(
      await e2e.browser.newContext({
        baseURL: e2e.baseUrl,
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: "en-GB",
      }),
    );
    await page.goto("/signin?next=%2Fadmin%2Forders");
    await page.getByLabel("Email").fill("ada.admin@example.com");
    await page.getByLabel("Password").fill(password);
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/admin/orders"),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
  });
  afterAll(() => e2e?.close());

  it("shows every field of every order as a card, nothing off to the side", async () => {
    expect(await page.locator("h1").textContent()).toBe("Orders");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    const rows = page.locator("#order-results tbody tr, .admin-table tbody tr");
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    for (const label of ["Order", "Customer", "Pickup", "Status", "Items", "Total", "Placed"]) {
      const cell = rows.first().locator(`td[data-label="${label}"]`);
      expect(await cell.isVisible(), label).toBe(true);
      const box = (await cell.boundingBox())!;
      expect(box.x + box.width, label).toBeLessThanOrEqual(390);
    }
    await mkdir("docs/screenshots", { recursive: true });
    await page.screenshot({
      path: "docs/screenshots/admin-orders-phone.png",
      fullPage: true,
      animations: "disabled",
      caret: "hide",
    });
  });

  it("folds the admin menu into one line that opens with a tap", async () => {
    const menu = page.locator("details.admin-menu");
    expect(await menu.isVisible()).toBe(true);
    const summary = menu.locator("summary");
    expect(await summary.textContent()).toContain("Orders");
    const box = (await summary.boundingBox())!;
    expect(box.height).toBeLessThan(60);
    expect(await menu.getByRole("link", { name: "Users" }).isVisible()).toBe(false);
    await summary.click();
    expect(await menu.getByRole("link", { name: "Users" }).isVisible()).toBe(true);
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/admin/users"),
      menu.getByRole("link", { name: "Users" }).click(),
    ]);
    expect(await page.locator("h1").textContent()).toBe("Users");
  });

  it("shows no errors in the browser", () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
