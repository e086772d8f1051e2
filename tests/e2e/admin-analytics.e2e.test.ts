import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { seedHistory } from "../../src/analytics/history.ts";
import { productsWithStock } from "../orders-support.ts";
import { type E2E, startE2E } from "./browser.ts";

describe("the sales dashboard in Chromium", () => {
  let e2e: E2E;
  let page: Page;
  let customerId: number;
  const password = "proving drawer at six";
  const meta = { ip: "127.0.0.1", userAgent: "e2e" };

  beforeAll(async () => {
    e2e = await startE2E({ seed: "bakery", config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
    await seedHistory(e2e.t.sql, {
      days: 35,
      timeZone: e2e.t.deps.config.timeZone,
      currency: e2e.t.deps.config.currency,
      now: new Date(),
      daysPerWrite: 7,
    });
    await e2e.t.services.accounts.manage.register(
      { email: "ada.admin@example.com", password, name: "Ada Admin" },
      meta,
      "admin",
    );
    const customer = await e2e.t.services.accounts.manage.register(
      { email: "dora@example.com", password, name: "Dora Baker" },
      meta,
    );
    customerId = customer.id;
    // Her address confirmed, as from the mail: accounts order only then.
    await e2e.t.sql`update users set email_verified_at = now() where id = ${customerId}`;
    const context = await e2e.browser.newContext({
      baseURL: e2e.baseUrl,
      viewport: { width: 1280, height: 1600 },
    });
    page = await e2e.newPage(context);
  }, 180_000);
  afterAll(() => e2e?.close());

  it("shows 30 days of figures, each chart an image with its name and a table", async () => {
    await page.goto("/admin/analytics");
    await page.getByLabel("Email").fill("ada.admin@example.com");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    // Signing in hashes the password (argon2id): on a busy machine that takes a while.
    await expect.poll(() => page.locator("h1").textContent(), { timeout: 15_000 }).toBe("Sales");
    expect(await page.getByRole("link", { name: "30 days" }).getAttribute("aria-current"))
      .toBe("true");
    const revenue = await page.locator('[data-figure="revenue"] .stat-value').textContent();
    expect(revenue).not.toBe(e2e.t.services.format.money(0));
    for (
      const name of [
        "Revenue by day",
        "Orders placed by weekday and hour",
        "Pickups by weekday and hour",
        "Top products by revenue",
        "Share by category",
        "Sell-through per daily product",
      ]
    ) {
      const chart = page.getByRole("img", { name, exact: true });
      await expect.poll(() => chart.count(), { message: name }).toBe(1);
      expect(await chart.getAttribute("aria-describedby"), name).toMatch(/-desc$/);
    }
    expect(e2e.consoleErrors).toEqual([]);
  });

  it("passes an accessibility check of its charts and tables", async () => {
    const problems = await page.evaluate(() => {
      const found: string[] = [];
      for (const svg of document.querySelectorAll("svg.chart")) {
        const ids = [svg.getAttribute("aria-labelledby"), svg.getAttribute("aria-describedby")];
        if (svg.getAttribute("role") !== "img") found.push("a chart without role=img");
        if (ids.some((id) => !id)) found.push("a chart not named by its title and description");
        for (const id of ids) {
          const el = document.getElementById(id ?? "");
          if (!el || !svg.contains(el) || !el.textContent?.trim()) {
            found.push(`${id}: missing or empty`);
          }
        }
        // The same figures as a table in the chart's section.
        if (!svg.closest("section")?.querySelector("table, p")) found.push("a chart alone");
      }
      for (const table of document.querySelectorAll("table.figure-table")) {
        if (!table.querySelector("caption")?.textContent?.trim()) found.push("a table unnamed");
        for (const th of table.querySelectorAll("thead th")) {
          if (th.getAttribute("scope") !== "col") found.push("a column header without scope");
        }
      }
      for (const a of document.querySelectorAll('a[href*=".csv"]')) {
        if (!a.textContent?.includes("CSV")) found.push("a download link without words");
      }
      // Bars and cells take the text colour: they must stand out from the white panel.
      const bar = document.querySelector("svg.chart .chart-bar");
      if (bar && getComputedStyle(bar).fill === "rgb(255, 255, 255)") found.push("white bars");
      return found;
    });
    expect(problems).toEqual([]);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("A");
  });

  it("keeps today live and is pictured for the README", async () => {
    const todayOrders = () =>
      page.locator('[data-figure="today-orders"] .stat-value').textContent();
    const before = Number(await todayOrders());
    await expect.poll(() => e2e.t.live.size()).toBeGreaterThan(0);
    await page.evaluate(() => document.body.setAttribute("data-not-reloaded", "yes"));
    const [product] = await productsWithStock(e2e.t, [20]);
    await e2e.t.services.orders.place({
      userId: customerId,
      items: [{ productId: product.id, quantity: 2 }],
    });
    await expect.poll(todayOrders, { timeout: 5000 }).toBe(String(before + 1));
    expect(await page.locator("body").getAttribute("data-not-reloaded")).toBe("yes");
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await e2e.screenshot(page, "admin-analytics");
    await mkdir("docs/screenshots", { recursive: true });
    await page.screenshot({ path: "docs/screenshots/admin-analytics.png" });
    expect(e2e.consoleErrors).toEqual([]);
  });

  it("applies bake suggestions from a form that works without JavaScript", async () => {
    await page.getByRole("link", { name: "Bake suggestions" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Bake suggestions");
    const first = page.locator("#suggestions-form tbody tr").first();
    await expect.poll(() => first.locator("td").last().textContent()).toMatch(/→ \d+\.$/);
    await first.locator("input").fill("37");
    await page.getByRole("button", { name: /^Apply to the plan/ }).click();
    await expect.poll(() => page.locator(".flash").textContent())
      .toContain("The suggestions are now the plan");
    expect(await first.locator("td").first().textContent()).toBe("37");
    expect(e2e.consoleErrors).toEqual([]);
  });
});
