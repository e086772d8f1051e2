import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { signIn } from "../admin-support.ts";
import { type E2E, startE2E } from "./browser.ts";

/**
 * Ordering on a phone, the ways it used to go wrong: a session lost at checkout, adding from
 * a long catalog with and without JavaScript, a shortfall at checkout, cancelling, the
 * header and the filters. Pictures go to docs/screenshots/.
 */
const PICTURES = "docs/screenshots";
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const PASSWORD = "sugar and flour and butter";

describe("checkout and the cart on a phone", () => {
  let e2e: E2E;

  /** A phone signed in as a new customer; their email, for signing in again. */
  async function customerPhone(options: { javaScriptEnabled?: boolean } = {}) {
    const context = await e2e.browser.newContext({ ...phone, ...options, baseURL: e2e.baseUrl });
    const { id, cookie } = await signIn(e2e.t, "customer");
    await context.addCookies(
      cookie.split("; ").map((pair) => {
        const [name, value] = pair.split("=");
        return { name, value, url: e2e.baseUrl };
      }),
    );
    const [{ email }] = await e2e.t.sql<{ email: string }[]>`
      select email from users where id = ${id}`;
    return { context, page: await e2e.newPage(context), email, id };
  }

  const cartBadge = (page: Page) => page.locator("#cart-count .cart-badge").textContent();

  beforeAll(async () => {
    e2e = await startE2E({ config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
    await mkdir(PICTURES, { recursive: true });
    await e2e.t.sql`update products set stock = 40 where kind = 'shelf'`;
  });
  afterAll(() => e2e?.close());

  it("keeps the order when the session ends at checkout: sign in, and it is all still there", async () => {
    const { context, page, email, id } = await customerPhone();
    await page.goto("/products/seeded-rye");
    await page.getByRole("button", { name: /Add to cart/ }).click();
    await expect.poll(() => cartBadge(page)).toBe("1");
    await page.goto("/checkout");
    const slot = page.locator("#slot");
    const chosen = await slot.locator("option:not([disabled]):not([value=''])").nth(2)
      .getAttribute("value");
    await slot.selectOption(chosen!);
    await page.getByLabel(/Note for the bakers/).fill("Sliced, please");
    // Signed out elsewhere: the session cookies are gone.
    await context.clearCookies({ name: "crumb_access" });
    await context.clearCookies({ name: "crumb_refresh" });
    await page.getByRole("button", { name: "Place order" }).click();
    await page.waitForURL(/\/signin\?next=%2Fcheckout/);
    await expect.poll(() => page.locator("main").textContent()).toContain(
      "You were signed out before the order was placed.",
    );
    await page.screenshot({ path: `${PICTURES}/session-lost-phone.png`, caret: "initial" });
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/checkout$/);
    expect(await page.getByLabel(/Note for the bakers/).inputValue()).toBe("Sliced, please");
    expect(await page.locator("#slot").inputValue()).toBe(chosen);
    await page.screenshot({ path: `${PICTURES}/checkout-kept-phone.png`, caret: "initial" });
    await page.getByRole("button", { name: "Place order" }).click();
    await page.waitForURL(/\/orders\/\d+\?placed=1/);
    const [order] = await e2e.t.sql<{ note: string; pickupAt: Date }[]>`
      select note, pickup_at from orders where user_id = ${id}`;
    expect(order.note).toBe("Sliced, please");
    expect(order.pickupAt.toISOString()).toBe(chosen);
    await context.close();
  });

  it("comes back to the product's card after adding without JavaScript", async () => {
    const { context, page } = await customerPhone({ javaScriptEnabled: false });
    await page.goto("/");
    const cards = page.locator("#catalog-results .product-card");
    const last = cards.last();
    const name = await last.locator("h3").textContent();
    await last.getByRole("button", { name: /Add to cart/ }).click();
    await page.waitForURL(/cart=added/);
    expect(new URL(page.url()).hash).toMatch(/^#product-\d+$/);
    const card = page.locator(new URL(page.url()).hash);
    expect(await card.locator("h3").textContent()).toBe(name);
    expect(await card.locator(".cart-feedback").textContent()).toContain("Added to your cart.");
    // The page stayed down at the card: it is on the screen, not the top of the page.
    expect(await page.evaluate(() => scrollY)).toBeGreaterThan(1000);
    const box = await card.locator(".cart-feedback").boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(phone.viewport.height);
    await page.screenshot({ path: `${PICTURES}/added-no-js-phone.png`, caret: "initial" });
    await context.close();
  });

  it("keeps keyboard focus on the button that added, with JavaScript", async () => {
    const { context, page } = await customerPhone();
    await page.goto("/");
    const button = page.locator("#catalog-results .product-card").nth(5)
      .getByRole("button", { name: /Add to cart/ });
    await button.focus();
    const focusedId = await button.evaluate((b) => b.closest("form")!.id);
    await page.keyboard.press("Enter");
    await expect.poll(() => cartBadge(page)).toBe("1");
    await expect.poll(() =>
      page.evaluate(() => document.activeElement?.closest("form")?.id ?? null)
    ).toBe(focusedId);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("BUTTON");
    // A second press adds again from the same place.
    await page.keyboard.press("Enter");
    await expect.poll(() => cartBadge(page)).toBe("2");
    await context.close();
  });

  it("fixes a short line at checkout in place, with the real totals, then orders", async () => {
    const { context, page, id } = await customerPhone();
    const [tart] = await e2e.t.sql<{ id: number; priceCents: number }[]>`
      update products set stock = 5 where slug = 'strawberry-tart' returning id, price_cents`;
    await page.goto("/products/strawberry-tart");
    await page.getByLabel("Quantity").fill("3");
    await page.getByRole("button", { name: /Add to cart/ }).click();
    await expect.poll(() => cartBadge(page)).toBe("3");
    await page.goto("/checkout");
    await e2e.t.sql`update products set stock = 1 where id = ${tart.id}`;
    await page.getByRole("button", { name: "Place order" }).click();
    await page.locator("#checkout-error").waitFor();
    const total = page.locator("#order-summary dd.font-semibold");
    expect(await total.textContent()).toBe(`€${(3 * tart.priceCents / 100).toFixed(2)}`);
    const quantity = page.locator(`#fix-${tart.id}`);
    expect(await quantity.inputValue()).toBe("1");
    await page.locator("#order-summary").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${PICTURES}/shortfall-phone.png`, caret: "initial" });
    await page.getByRole("button", { name: /^Update/ }).click();
    await expect.poll(() => page.locator("#order-summary .flash").textContent()).toBe(
      "Your order was updated.",
    );
    expect(await total.textContent()).toBe(`€${(tart.priceCents / 100).toFixed(2)}`);
    await page.getByRole("button", { name: "Place order" }).click();
    await page.waitForURL(/\/orders\/\d+\?placed=1/);
    const orderId = Number(new URL(page.url()).pathname.split("/")[2]);

    // The order list leads with when to come.
    await page.goto("/account/orders");
    const first = page.locator(".order-row").first();
    expect((await first.textContent())!.trim()).toMatch(/^Pickup/);
    await page.screenshot({ path: `${PICTURES}/orders-phone.png`, caret: "initial" });

    // Cancelling asks once.
    await page.goto(`/orders/${orderId}`);
    await page.getByText("Cancel this order…").click();
    const yes = page.getByRole("button", { name: "Yes, cancel the order" });
    await yes.scrollIntoViewIfNeeded();
    await page.screenshot({
      path: `${PICTURES}/cancel-question-phone.png`,
    });
    const [before] = await e2e.t.sql<{ status: string }[]>`
      select status from orders where id = ${orderId} and user_id = ${id}`;
    expect(before.status).toBe("placed");
    await yes.click();
    await expect.poll(async () =>
      (await e2e.t.sql<{ status: string }[]>`select status from orders where id = ${orderId}`)[0]
        .status
    ).toBe("cancelled");
    await context.close();
  });

  it("has a one-row header on a phone, with the menu and the filters behind buttons", async () => {
    const { context, page } = await customerPhone();
    await page.goto("/");
    const header = await page.locator("header").boundingBox();
    expect(header!.height).toBeLessThan(72);
    const centre = async (selector: string) => {
      const box = await page.locator(selector).boundingBox();
      return box!.y + box!.height / 2;
    };
    const row = await centre("header a.font-display");
    expect(Math.abs(await centre("#cart-count") - row)).toBeLessThan(4);
    expect(Math.abs(await centre(".nav-menu > summary") - row)).toBeLessThan(4);
    // The first products are on the first screen, their button too.
    const card = await page.locator(".product-card").first().boundingBox();
    expect(card!.y + 300).toBeLessThan(phone.viewport.height);
    expect(await page.locator("#catalog-sort").isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    await page.screenshot({ path: `${PICTURES}/header-phone.png`, caret: "initial" });

    await page.locator(".nav-menu > summary").click();
    await page.getByRole("link", { name: "Account" }).waitFor();
    expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
    await page.screenshot({ path: `${PICTURES}/menu-phone.png`, caret: "initial" });
    await page.locator(".nav-menu > summary").click();

    await page.locator(".catalog-filters > summary").click();
    await page.locator("label.chip", { hasText: "Cakes" }).click();
    await expect.poll(() => page.url()).toContain("category=cakes");
    // The filters stay open while the results change beside them.
    expect(await page.locator(".catalog-filters").getAttribute("open")).toBe("");
    await page.screenshot({ path: `${PICTURES}/filters-phone.png`, caret: "initial" });
    for (const path of ["/products/seeded-rye", "/cart", "/account"]) {
      await page.goto(path);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBe(390);
    }
    await context.close();
  });

  it("opens the menu and the filters without JavaScript", async () => {
    const { context, page } = await customerPhone({ javaScriptEnabled: false });
    await page.goto("/");
    await page.locator(".catalog-filters > summary").click();
    await page.locator("label.chip", { hasText: "Breads" }).click();
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/category=breads/);
    expect(await page.locator(".catalog-filters > summary").textContent()).toContain("Breads");
    await page.locator(".nav-menu > summary").click();
    await page.getByRole("link", { name: "Account" }).click();
    await page.waitForURL(/\/account$/);
    await context.close();
  });

  it("left no error in the browser console but the refusal it asked for", () => {
    const refused = /\/checkout: Failed to load resource: .* status of 409/;
    expect(e2e.consoleErrors.filter((line) => !refused.test(line))).toEqual([]);
  });
});
