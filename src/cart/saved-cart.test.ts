import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieBrowser } from "../../tests/cookie-browser.ts";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { people } from "../../tests/orders-support.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";

/**
 * A signed-in customer's cart is saved in the database; the store only caches it. It
 * survives losing the store's copy, shows every change at once, moves over from where
 * carts were kept before, and lasts a week after its last use.
 */

let t: TestContext;
let loaf: { id: number; name: string };
let bun: { id: number; name: string };
beforeAll(async () => {
  t = await createTestContext({ seed: true });
  [loaf, bun] = await t.sql<{ id: number; name: string }[]>`
    update products set stock = 500 where slug in ('country-sourdough', 'cinnamon-bun')
    returning id, name`;
});
afterAll(() => t?.close());

async function customer() {
  const [who] = await people(t, 1);
  const browser = new CookieBrowser(() => t.app);
  browser.cookies.set(ACCESS_COOKIE, who.token);
  return { browser, userId: who.id };
}

const badge = (html: string) => Number(/data-count="(\d+)"/.exec(html)?.[1]);
const add = async (browser: CookieBrowser, productId: number, quantity: number) =>
  expect(
    (await browser.post("/cart/items", {
      productId: String(productId),
      quantity: String(quantity),
    })).res.status,
  ).toBe(303);

describe("a signed-in customer's cart", () => {
  it("is saved in the database and survives losing the store's copy", async () => {
    const { browser, userId } = await customer();
    await add(browser, loaf.id, 2);
    await add(browser, bun.id, 3);
    expect(
      await t.sql`select product_id, quantity from cart_lines where user_id = ${userId}
      order by product_id`,
    ).toEqual(
      [{ productId: loaf.id, quantity: 2 }, { productId: bun.id, quantity: 3 }]
        .sort((a, b) => a.productId - b.productId),
    );
    await t.store.deletePrefix("cart:");
    const { html } = await browser.get("/cart");
    expect(html).toContain(loaf.name);
    expect(html).toContain(bun.name);
    expect(badge(html)).toBe(5);
  });

  it("shows every change at once, though the count is cached", async () => {
    const { browser } = await customer();
    await add(browser, loaf.id, 1);
    expect(badge((await browser.get("/")).html)).toBe(1);
    await add(browser, loaf.id, 4);
    expect(badge((await browser.get("/")).html)).toBe(5);
    expect((await browser.post(`/cart/items/${loaf.id}`, { quantity: "2" })).res.status).toBe(303);
    expect(badge((await browser.get("/")).html)).toBe(2);
    expect((await browser.post(`/cart/items/${loaf.id}/remove`)).res.status).toBe(303);
    expect(badge((await browser.get("/")).html)).toBe(0);
  });

  it("moves over once from where carts were kept before they were saved", async () => {
    const { browser, userId } = await customer();
    await t.store.hashSet(`cart:user:${userId}`, { [bun.id]: "4:250" }, 60_000);
    const { html } = await browser.get("/cart");
    expect(html).toContain(bun.name);
    expect(badge(html)).toBe(4);
    expect(await t.store.hashGetAll(`cart:user:${userId}`)).toEqual({});
    await t.store.deletePrefix("cart:saved:");
    expect(badge((await browser.get("/cart")).html)).toBe(4);
  });

  it("lasts a week after its last use", async () => {
    const { browser, userId } = await customer();
    await add(browser, loaf.id, 2);
    await t.sql`update carts set used_at = now() - interval '8 days' where user_id = ${userId}`;
    await t.store.deletePrefix("cart:saved:");
    expect(badge((await browser.get("/cart")).html)).toBe(0);
    // A new cart starts empty: the old lines do not come back with it.
    await add(browser, bun.id, 1);
    const { html } = await browser.get("/cart");
    expect(html).toContain(bun.name);
    expect(html).not.toContain(loaf.name);
    expect(badge(html)).toBe(1);
  });
});
