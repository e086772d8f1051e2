import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { CSRF_COOKIE } from "../http/csrf.ts";

/**
 * Catalog pages are rendered once and kept (cards per product version), yet every request
 * shows the stock as it is when it asks, its own form token and its own header; a product
 * that changed is shown changed at once.
 */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
});
afterAll(() => t?.close());

const page = async (url: string, headers: Record<string, string> = {}) =>
  await (await t.app.request(url, { headers })).text();

/** The badge and the add-to-cart button of one product's card. */
function cardOf(html: string, productId: number) {
  const badge = new RegExp(
    `<span class="stock-badge (stock-[a-z]+) stock-${productId}" data-product-id="${productId}" data-stock="(-?\\d+)">([^<]*)</span>`,
  ).exec(html);
  const form = new RegExp(
    `<input type="hidden" name="productId" value="${productId}"/>[\\s\\S]*?<button type="submit" class="btn-primary"( disabled="")?>`,
  ).exec(html);
  expect(badge, `badge of ${productId}`).not.toBeNull();
  expect(form, `form of ${productId}`).not.toBeNull();
  return { tone: badge![1], stock: Number(badge![2]), text: badge![3], disabled: !!form![1] };
}

const tokens = (html: string) =>
  [...html.matchAll(/name="_csrf" value="([^"]*)"/g)].map((m) => m[1]);

describe("a kept catalog page", () => {
  it("shows the stock of the moment on every request, sold out included", async () => {
    const [loaf] = await t.sql<{ id: number }[]>`
      select p.id from products p join categories c on c.id = p.category_id
      where c.slug = 'breads' order by p.name limit 1`;
    await t.services.catalog.setStock(loaf.id, 40);
    expect(cardOf(await page("/?category=breads"), loaf.id)).toEqual({
      tone: "stock-ok",
      stock: 40,
      text: "In stock",
      disabled: false,
    });
    // Straight to the database: no event, no invalidation. The next page still has it.
    await t.sql`update products set stock = 3 where id = ${loaf.id}`;
    expect(cardOf(await page("/?category=breads"), loaf.id)).toEqual({
      tone: "stock-low",
      stock: 3,
      text: "Only 3 left",
      disabled: false,
    });
    await t.sql`update products set stock = 0 where id = ${loaf.id}`;
    expect(cardOf(await page("/?category=breads"), loaf.id)).toEqual({
      tone: "stock-out",
      stock: 0,
      text: "Sold out",
      disabled: true,
    });
    await t.sql`update products set stock = 12 where id = ${loaf.id}`;
    expect(cardOf(await page("/?category=breads"), loaf.id).disabled).toBe(false);
  });

  it("gives every visitor their own form token in every card", async () => {
    const mine = "m".repeat(30);
    const yours = "y".repeat(30);
    const [a, b] = [
      await page("/", { Cookie: `${CSRF_COOKIE}=${mine}` }),
      await page("/", { Cookie: `${CSRF_COOKIE}=${yours}` }),
    ];
    expect(new Set(tokens(a))).toEqual(new Set([mine]));
    expect(new Set(tokens(b))).toEqual(new Set([yours]));
    expect(tokens(a).length).toBe(24);
    // A visitor without a cookie gets a new token, in the cookie and in the cards alike.
    const res = await t.app.request("/");
    const cookie = /crumb_csrf=([\w-]+)/.exec(res.headers.get("Set-Cookie") ?? "")?.[1];
    expect(cookie).toBeTruthy();
    expect(new Set(tokens(await res.text()))).toEqual(new Set([cookie]));
  });

  it("shows a product changed through the catalog at once", async () => {
    const [bun] = await t.sql<
      { id: number }[]
    >`select id from products where slug = 'cinnamon-bun'`;
    const before = await page("/?category=viennoiserie");
    expect(before).toContain("Cinnamon Bun");
    await t.services.catalog.updateProduct(bun.id, { name: "Cardamom bun", priceCents: 345 });
    const after = await page("/?category=viennoiserie");
    expect(after).toContain("Cardamom bun");
    expect(after).toContain("€3.45");
    expect(after).not.toContain("Cinnamon Bun");
    cardOf(after, bun.id);
  });

  it("answers the htmx fragment and the full page apart", async () => {
    const fragment = await page("/?category=breads", {
      "HX-Request": "true",
      "HX-Target": "section#catalog-results",
    });
    expect(fragment.startsWith('<section id="catalog-results"')).toBe(true);
    expect((await page("/?category=breads")).startsWith("<!doctype html>")).toBe(true);
  });
});
