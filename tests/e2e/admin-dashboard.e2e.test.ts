import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  type DashboardSource,
  dashboardSource,
  publishDashboard,
} from "../../src/admin/dashboard/publish.ts";
import { productsWithStock } from "../orders-support.ts";
import { type E2E, startE2E } from "./browser.ts";

describe("the admin dashboard in Chromium", () => {
  let e2e: E2E;
  let page: Page;
  let customerId: number;
  let source: DashboardSource;
  const password = "proving drawer at six";
  const meta = { ip: "127.0.0.1", userAgent: "e2e" };

  beforeAll(async () => {
    // Open every day, all day: the order must not depend on the hour the test runs at.
    e2e = await startE2E({ config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
    await e2e.t.services.accounts.manage.register(
      { email: "ada.admin@example.com", password, name: "Ada Admin" },
      meta,
      "admin",
    );
    const customer = await e2e.t.services.accounts.manage.register(
      { email: "dora@example.com", password, name: "Dora Baker" },
      meta,
      "customer",
      { emailVerified: true },
    );
    customerId = customer.id;
    source = dashboardSource({ deps: e2e.t.deps, services: e2e.t.services });
    page = await e2e.newPage(await e2e.browser.newContext({ baseURL: e2e.baseUrl }));
  });
  afterAll(() => e2e?.close());

  const ordersToday = () => page.locator('[data-figure="orders-today"] .stat-value').textContent();

  it("signs the admin in on the way to /admin and shows today's orders", async () => {
    await page.goto("/admin");
    await expect.poll(() => page.url()).toContain("/signin?next=%2Fadmin");
    await page.getByLabel("Email").fill("ada.admin@example.com");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.url()).toMatch(/\/admin$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Dashboard");
    expect(await ordersToday()).toBe("0");
    // The live stream is open.
    await expect.poll(() => e2e.t.live.size()).toBeGreaterThan(0);
  });

  it("counts an order placed meanwhile, live, without a reload", async () => {
    await page.evaluate(() => document.body.setAttribute("data-not-reloaded", "yes"));
    const [product] = await productsWithStock(e2e.t, [20]);
    const placed = await e2e.t.services.orders.place({
      userId: customerId,
      items: [{ productId: product.id, quantity: 2 }],
    });
    // What the order hook of src/app.ts does after each order, called directly here.
    await publishDashboard(source);
    await expect.poll(ordersToday, { timeout: 3000 }).toBe("1");
    await expect.poll(() => page.locator('[data-figure="revenue-today"] .stat-value').textContent())
      .toBe(e2e.t.services.format.money(placed.order.totalCents));
    await expect.poll(() => page.locator('[data-figure="open-placed"] .stat-value').textContent())
      .toBe("1");
    expect(await page.locator("body").getAttribute("data-not-reloaded")).toBe("yes");
    await e2e.screenshot(page, "admin-dashboard");
  });

  it("filters the audit log in place, the filters kept in the URL", async () => {
    const nav = page.getByRole("navigation", { name: "Admin" });
    await nav.getByRole("link", { name: "Audit log" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Audit log");
    await page.getByLabel("Action").selectOption("account.registered");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => page.url()).toBe(
      `${e2e.baseUrl}/admin/audit?action=account.registered`,
    );
    await expect.poll(() => page.locator("#audit-results").textContent()).toContain("2 entries");
    expect(await page.locator("#audit-results tbody tr").count()).toBe(2);
    await e2e.screenshot(page, "admin-audit");
    await nav.getByRole("link", { name: "Notifications" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Notifications");
    await e2e.screenshot(page, "admin-notifications");
  });

  it("logged no browser errors", () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
