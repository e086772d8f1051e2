import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { signIn } from "../admin-support.ts";
import { type E2E, startE2E } from "./browser.ts";

/**
 * The customer's way through, on a phone: free-from filtering, the shop's details in the
 * footer, the cart count on a page answering a form post, focus after removing a cart line,
 * and stock changes told to screen readers. Pictures go to docs/screenshots/.
 */
const PICTURES = "docs/screenshots";
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe("the customer's way through, on a phone", () => {
  let e2e: E2E;
  let page: Page;

  const cartBadge = () => page.locator("#cart-count .cart-badge").textContent();
  /** The product page's add button, pressed from the keyboard. */
  const addToCart = async () => {
    await page.getByRole("button", { name: /Add to cart/ }).first().focus();
    await page.keyboard.press("Enter");
  };

  beforeAll(async () => {
    e2e = await startE2E({ config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
    await mkdir(PICTURES, { recursive: true });
    await e2e.t.sql`
      update shop_details set name = 'Crumb Bakery', address = ${"12 Rue du Four\n75006 Paris"},
        phone = '+33 1 23 45 67 89', email = 'hello@crumb.example',
        map_url = 'https://www.openstreetmap.org/?mlat=48.8530&mlon=2.3330'`;
    await e2e.t.sql`update products set stock = 40 where slug in ('seeded-rye', 'apple-tart')`;
    const context = await e2e.browser.newContext({ ...phone, baseURL: e2e.baseUrl });
    const { cookie } = await signIn(e2e.t, "customer");
    await context.addCookies(
      cookie.split("; ").map((pair) => {
        const [name, value] = pair.split("=");
        return { name, value, url: e2e.baseUrl };
      }),
    );
    page = await e2e.newPage(context);
  });
  afterAll(() => e2e?.close());

  it("filters the catalog to what a customer can eat, and says how many are left", async () => {
    await page.goto("/");
    // On a phone the filters wait behind one button.
    await page.locator(".catalog-filters > summary").click();
    await page.getByText("Free from (allergens)").click();
    await page.getByLabel("Gluten").check();
    await page.getByLabel("Milk").check();
    await expect.poll(() => page.url()).toContain("free-from=gluten");
    const count = page.locator("#result-count");
    await expect.poll(() => count.textContent()).toMatch(
      /\d+ products?, free from gluten and milk/,
    );
    // The count is the same live region as before, filled in place.
    expect(await count.getAttribute("role")).toBe("status");
    const names = await page.locator(".product-card h3").allTextContents();
    expect(names.length).toBeGreaterThan(0);
    expect(names.join()).not.toContain("Croissant");
    await page.screenshot({ path: `${PICTURES}/free-from-phone.png`, animations: "disabled" });
  });

  it("shows the shop's address, a phone link and today's hours in the footer", async () => {
    await page.goto("/products/seeded-rye");
    await expect.poll(() => page.locator("#ingredients-heading").textContent()).toBe(
      "Ingredients",
    );
    const footer = page.locator("footer");
    await expect.poll(() => footer.textContent()).toContain("12 Rue du Four");
    expect(await footer.getByRole("link", { name: "+33 1 23 45 67 89" }).getAttribute("href"))
      .toBe("tel:+33123456789");
    expect(await page.locator("#shop-hours-today").textContent()).toMatch(
      /^Open today \d\d:\d\d–\d\d:\d\d$/,
    );
    await footer.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${PICTURES}/shop-footer-phone.png`, animations: "disabled" });
  });

  it("counts the cart in the header of a page answering a coupon", async () => {
    await page.goto("/products/seeded-rye");
    await addToCart();
    await expect.poll(cartBadge).toBe("1");
    await page.goto("/checkout");
    await page.getByLabel(/Coupon/).fill("NOT-A-CODE");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => page.locator("#coupon-result").textContent()).toMatch(/\w/);
    expect(await cartBadge()).toBe("1");
  });

  it("lands focus on the cart's heading after a line is removed", async () => {
    await page.goto("/products/apple-tart");
    await addToCart();
    await expect.poll(cartBadge).toBe("2");
    await page.goto("/cart");
    const remove = page.getByRole("button", { name: /Remove Apple Tart/ });
    await remove.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".cart-line").count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(
      "cart-heading",
    );
  });

  it("tells a stock change on the page politely, in one sentence", async () => {
    // A shelf product: its stock is set by hand and told at once.
    await page.goto("/products/chocolate-chip-cookie");
    await expect.poll(() => e2e.t.live.size()).toBeGreaterThan(0);
    const [cookie] = await e2e.t.sql<{ id: number }[]>`
      select id from products where slug = 'chocolate-chip-cookie'`;
    await e2e.t.services.catalog.setStock(cookie.id, 3);
    await expect.poll(() => page.locator(".stock-badge").first().textContent()).toBe(
      "Only 3 left",
    );
    await expect.poll(() => page.locator("#stock-news").textContent(), { timeout: 15_000 })
      .toBe("Stock update: Chocolate Chip Cookie, only 3 left.");
  });

  it("left no error in the browser console but the refusal it asked for", () => {
    const refused = /\/checkout\/preview: Failed to load resource: .* status of 422/;
    expect(e2e.consoleErrors.filter((line) => !refused.test(line))).toEqual([]);
  });
});
