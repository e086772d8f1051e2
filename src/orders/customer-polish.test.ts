import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserOn, type CookieBrowser } from "../../tests/cookie-browser.ts";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { people, stockOf } from "../../tests/orders-support.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";

/**
 * Checkout after a shortfall (real totals, the quantity fixed in place), the order list led
 * by the pickup time, and a cancel that asks once.
 */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
});
afterAll(() => t?.close());

const Browser = browserOn(() => t.app);

async function customer() {
  const [who] = await people(t, 1);
  const browser = new Browser();
  browser.cookies.set(ACCESS_COOKIE, who.token);
  return { browser, userId: who.id };
}

interface Product {
  id: number;
  name: string;
  priceCents: number;
}

async function product(slug: string, stock: number): Promise<Product> {
  const [row] = await t.sql<Product[]>`
    update products set stock = ${stock} where slug = ${slug} returning id, name, price_cents`;
  return row;
}

const euros = (cents: number) => `€${(cents / 100).toFixed(2)}`;
const tokenOf = (html: string) => html.match(/name="token" value="([0-9a-f-]{36})"/)![1];

async function add(browser: CookieBrowser, p: Product, quantity: number) {
  const { res } = await browser.post("/cart/items", {
    productId: String(p.id),
    quantity: String(quantity),
  });
  expect(res.status).toBe(303);
}

async function placeOrder(browser: CookieBrowser) {
  const { html } = await browser.get("/checkout");
  const { res } = await browser.post("/checkout", { token: tokenOf(html), pickup: "asap" });
  expect(res.status).toBe(303);
  return Number(res.headers.get("Location")!.match(/^\/orders\/(\d+)/)![1]);
}

describe("checkout after a shortfall", () => {
  it("shows the real totals and fixes the short line in place, the choices kept", async () => {
    const tart = await product("strawberry-tart", 5);
    const bun = await product("cinnamon-bun", 20);
    const { browser, userId } = await customer();
    await add(browser, tart, 3);
    await add(browser, bun, 2);
    const { html } = await browser.get("/checkout");
    await t.sql`update products set stock = 1 where id = ${tart.id}`;

    const refused = await browser.post("/checkout", {
      token: tokenOf(html),
      pickup: "asap",
      note: "Birthday",
    });
    expect(refused.res.status).toBe(409);
    // The totals are the cart's as it stands, never €0.00.
    const all = 3 * tart.priceCents + 2 * bun.priceCents;
    expect(refused.html).toContain(`<dd>${euros(all)}</dd>`);
    expect(refused.html).toContain(`<dd class="font-semibold">${euros(all)}</dd>`);
    expect(refused.html).toContain("Fix the lines marked above to place the order");
    // The short line offers what is left, in place.
    expect(refused.html).toMatch(
      new RegExp(`name="quantity-${tart.id}" min="1" max="1" value="1"`),
    );
    expect(refused.html).toContain(`formaction="/checkout/lines" name="line" value="${tart.id}"`);

    const fixed = await browser.post("/checkout/lines", {
      line: String(tart.id),
      [`quantity-${tart.id}`]: "1",
      pickup: "asap",
      note: "Birthday",
    });
    expect(fixed.res.status).toBe(303);
    expect(fixed.res.headers.get("Location")).toBe("/checkout?fixed=1#order-summary");
    const page = await browser.get("/checkout?fixed=1");
    expect(page.html).toContain('<p class="flash" role="status">Your order was updated.</p>');
    expect(page.html).toContain(`1 × ${tart.name}`);
    expect(page.html).toMatch(/<textarea id="note"[^>]*>\s*Birthday\s*<\/textarea>/);
    const now = tart.priceCents + 2 * bun.priceCents;
    expect(page.html).toContain(`<dd class="font-semibold">${euros(now)}</dd>`);
    expect(page.html).toMatch(/<button type="submit" class="btn-primary">Place order/);

    const placed = await browser.post("/checkout", {
      token: tokenOf(page.html),
      pickup: "asap",
      note: "Birthday",
    });
    expect(placed.res.status).toBe(303);
    const [order] = await t.sql<{ totalCents: number; note: string }[]>`
      select total_cents, note from orders where user_id = ${userId}`;
    expect(order).toEqual({ totalCents: now, note: "Birthday" });
    expect(await stockOf(t, tart.id)).toBe(0);
  });

  it("removes a sold-out line in place, and refuses a quantity the day cannot give", async () => {
    const tart = await product("strawberry-tart", 5);
    const bun = await product("cinnamon-bun", 20);
    const { browser } = await customer();
    await add(browser, tart, 2);
    await add(browser, bun, 1);
    await t.sql`update products set stock = 0 where id = ${tart.id}`;
    const { html } = await browser.get("/checkout");
    expect(html).toContain(`formaction="/checkout/lines" name="remove" value="${tart.id}"`);

    await t.sql`update products set stock = 1 where id = ${tart.id}`;
    const tooMany = await browser.post("/checkout/lines", {
      line: String(tart.id),
      [`quantity-${tart.id}`]: "2",
    });
    expect(tooMany.res.status).toBe(422);
    expect(tooMany.html).toContain(`Only 1 left of ${tart.name}`);
    const nonsense = await browser.post("/checkout/lines", {
      line: String(tart.id),
      [`quantity-${tart.id}`]: "0",
    });
    expect(nonsense.res.status).toBe(422);
    expect(nonsense.html).toContain("Enter at least 1.");

    const removed = await browser.post("/checkout/lines", { remove: String(tart.id) });
    expect(removed.res.status).toBe(303);
    const page = await browser.get("/checkout");
    expect(page.html).not.toContain(`× ${tart.name}`);
    expect(page.html).toContain(`1 × ${bun.name}`);
  });
});

describe("the customer's orders", () => {
  it("lead with the pickup time", async () => {
    const bun = await product("cinnamon-bun", 20);
    const { browser } = await customer();
    await add(browser, bun, 1);
    const id = await placeOrder(browser);
    const [order] = await t.sql<{ pickupAt: Date; code: string }[]>`
      select pickup_at, code from orders where id = ${id}`;
    const { html } = await browser.get("/account/orders");
    const row = html.match(/<li class="order-row[\s\S]*?<\/li>/)![0];
    const pickup = row.indexOf(
      `<time class="font-semibold text-lg" datetime="${order.pickupAt.toISOString()}">As soon as possible, around ${
        t.services.format.dateTime(order.pickupAt)
      }</time>`,
    );
    expect(pickup).toBeGreaterThan(-1);
    expect(pickup).toBeLessThan(row.indexOf(order.code));
    expect(row.indexOf("Placed")).toBeGreaterThan(row.indexOf(order.code));
  });

  it("ask once before cancelling, and a cancel sent without the answer cancels nothing", async () => {
    const bun = await product("cinnamon-bun", 20);
    const { browser } = await customer();
    await add(browser, bun, 1);
    const id = await placeOrder(browser);
    const page = await browser.get(`/orders/${id}`);
    expect(page.html).toContain('<details class="panel cancel-question">');
    expect(page.html).toContain('<input type="hidden" name="confirm" value="yes"/>');
    expect(page.html).toContain("Yes, cancel the order");

    const unasked = await browser.post(`/orders/${id}/cancel`);
    expect(unasked.res.status).toBe(200);
    expect(unasked.html).toContain('<details class="panel cancel-question" open="">');
    const [still] = await t.sql<{ status: string }[]>`select status from orders where id = ${id}`;
    expect(still.status).toBe("placed");

    // Signed out meanwhile: back to the order after signing in, nothing cancelled.
    const signedOut = new Browser();
    const lost = await signedOut.post(`/orders/${id}/cancel`, { confirm: "yes" });
    expect(lost.res.status).toBe(303);
    expect(lost.res.headers.get("Location")).toBe(`/signin?next=%2Forders%2F${id}`);

    const answered = await browser.post(`/orders/${id}/cancel`, { confirm: "yes" });
    expect(answered.res.status).toBe(303);
    const [gone] = await t.sql<{ status: string }[]>`select status from orders where id = ${id}`;
    expect(gone.status).toBe("cancelled");
  });
});
