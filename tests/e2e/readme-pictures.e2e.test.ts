import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { OrderStatus } from "../../src/orders/status.ts";
import { productsWithStock } from "../orders-support.ts";
import { type E2E, startE2E } from "./browser.ts";

/**
 * The pictures at the top of the README, taken from a busy morning: the shop on a phone, the
 * order board on a kitchen tablet, the admin dashboard. Every e2e run takes them again, so
 * they show the screens as they are.
 */
const PICTURES = "docs/screenshots";

describe("the README's pictures in Chromium", () => {
  let e2e: E2E;
  const password = "butter at room temperature";
  const meta = { ip: "127.0.0.1", userAgent: "e2e" };

  const register = (email: string, name: string, role?: "staff" | "admin") =>
    e2e.t.services.accounts.manage.register({ email, password, name }, meta, role, {
      emailVerified: true,
    });

  /** A device of the bakery's (own cookies, British English) at its size, signed in. */
  async function device(email: string, viewport: { width: number; height: number }) {
    const context = await e2e.browser.newContext({
      baseURL: e2e.baseUrl,
      viewport,
      locale: "en-GB",
    });
    const page = await e2e.newPage(context);
    await page.goto("/signin");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await Promise.all([
      page.waitForURL((url) => url.pathname !== "/signin"),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    return page;
  }

  /** The screen as the device shows it, or its top `height` pixels scrolled through. */
  const picture = (page: Page, name: string, height?: number) =>
    page.screenshot({
      path: `${PICTURES}/${name}.png`,
      animations: "disabled",
      caret: "hide",
      ...(height ? { fullPage: true, clip: { x: 0, y: 0, width: 390, height } } : {}),
    });

  beforeAll(async () => {
    // Open every day, all day: the pictures must not depend on the hour the tests run at.
    e2e = await startE2E({ config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
    await mkdir(PICTURES, { recursive: true });
    await register("ada.admin@example.com", "Ada Admin", "admin");
    const staff = await register("kim.kitchen@example.com", "Kim Kitchen", "staff");
    const customers = await Promise.all(
      ["Cleo Carter", "Dora Baker", "Emil Ross", "Farah Khan", "Gus Lee", "Hana Ito"].map(
        (name) => register(`${name.split(" ")[0].toLowerCase()}@example.com`, name),
      ),
    );
    const products = await productsWithStock(e2e.t, [40, 40, 40, 40, 40, 40]);
    const kitchen = { id: staff.id, role: "staff" as const };
    // Where each order stands on the board: two waiting, two in the oven, one to collect.
    const morning: [number[], OrderStatus, string?][] = [
      [[0, 1], "ready"],
      [[2, 3, 3], "baking", "Sliced, please"],
      [[4], "baking"],
      [[0, 5], "placed"],
      [[1, 2, 4], "placed", "No paper bag"],
    ];
    for (const [i, [lines, status, note]] of morning.entries()) {
      const placed = await e2e.t.services.orders.place({
        userId: customers[i].id,
        items: lines.map((n) => ({ productId: products[n].id, quantity: 1 + (n % 2) })),
        note,
      });
      const steps: OrderStatus[] = status === "ready"
        ? ["baking", "ready"]
        : status === "baking"
        ? ["baking"]
        : [];
      for (const to of steps) {
        await e2e.t.services.orders.changeStatus(placed.order.id, to, kitchen);
      }
    }
  });
  afterAll(() => e2e?.close());

  it("the shop on a phone", async () => {
    const phone = await device("hana@example.com", { width: 390, height: 844 });
    await phone.goto("/");
    await expect.poll(() => phone.locator(".product-card").count()).toBeGreaterThan(3);
    const firstImage = phone.locator(".product-card img").first();
    await expect.poll(() => firstImage.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    // Down to the whole first product: name, price, allergens, stock and the button.
    await picture(phone, "shop-phone", 1180);
  });

  it("the order board on a tablet", async () => {
    const tablet = await device("kim.kitchen@example.com", { width: 1180, height: 820 });
    await tablet.goto("/board");
    await expect.poll(() => tablet.locator("#col-new .ticket").count()).toBe(2);
    expect(await tablet.locator("#col-baking .ticket").count()).toBe(2);
    expect(await tablet.locator("#col-ready .ticket").count()).toBe(1);
    await picture(tablet, "board-tablet");
  });

  it("the admin dashboard", async () => {
    const desktop = await device("ada.admin@example.com", { width: 1280, height: 800 });
    await desktop.goto("/admin");
    await expect.poll(() =>
      desktop.locator('[data-figure="orders-today"] .stat-value').textContent()
    )
      .toBe("5");
    await picture(desktop, "admin-dashboard");
  });

  it("shows no errors in the browser", () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
