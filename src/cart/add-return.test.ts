import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserOn } from "../../tests/cookie-browser.ts";
import { createTestContext, type TestContext } from "../../tests/harness.ts";

/** Adding to the cart without JavaScript comes back to the product, not the top of the page. */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
});
afterAll(() => t?.close());

const Browser = browserOn(() => t.app);

async function product(slug: string) {
  const [row] = await t.sql<{ id: number; slug: string }[]>`
    update products set stock = 40 where slug = ${slug} returning id, slug`;
  return row;
}

/** The catalog card of a product: from its opening tag to the next card's. */
const cardOf = (html: string, id: number) =>
  html.match(
    new RegExp(
      `<li class="product-card" id="product-${id}">[\\s\\S]*?</li>\\s*(?=<li class="product-card"|</ul>)`,
    ),
  )?.[0];

describe("adding to the cart without JavaScript", () => {
  it("goes back to the catalog page it came from, at the product's card, which says so", async () => {
    const rye = await product("seeded-rye");
    const browser = new Browser();
    const catalog = await browser.get("/?q=rye");
    const card = cardOf(catalog.html, rye.id);
    expect(card, "the card carries its anchor").toBeTruthy();
    expect(card).toContain(`<input type="hidden" name="anchor" value="product-${rye.id}"/>`);

    const { res } = await browser.post("/cart/items", {
      productId: String(rye.id),
      quantity: "1",
      anchor: `product-${rye.id}`,
    }, { Referer: "http://localhost/?q=rye" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(
      `/?q=rye&cart=added&added=${rye.id}#product-${rye.id}`,
    );

    const back = await browser.get(`/?q=rye&cart=added&added=${rye.id}`);
    const shown = cardOf(back.html, rye.id)!;
    expect(shown).toContain("Added to your cart.");
    expect(shown).toContain('<a href="/cart" class="text-link">View cart</a>');
    // Only that card says it; the page's top does not repeat it.
    expect(back.html.split("Added to your cart.")).toHaveLength(2);
  });

  it("goes back to the product page's own form", async () => {
    const rye = await product("seeded-rye");
    const browser = new Browser();
    const page = await browser.get(`/products/${rye.slug}`);
    expect(page.html).toContain(`action="/cart/items" id="add-${rye.id}"`);
    expect(page.html).toContain(`name="anchor" value="add-${rye.id}"`);
    const { res } = await browser.post("/cart/items", {
      productId: String(rye.id),
      quantity: "2",
      anchor: `add-${rye.id}`,
    }, { Referer: `http://localhost/products/${rye.slug}?cart=added&added=1` });
    expect(res.headers.get("Location")).toBe(
      `/products/${rye.slug}?cart=added&added=${rye.id}#add-${rye.id}`,
    );
    const back = await browser.get(`/products/${rye.slug}?cart=added&added=${rye.id}`);
    expect(back.html).toMatch(
      new RegExp(
        `id="added-${rye.id}"[^>]*>\\s*<span class="flash-inline">\\s*Added to your cart.`,
      ),
    );
  });

  it("takes no anchor but an id: anything else is left out of the address", async () => {
    const rye = await product("seeded-rye");
    const browser = new Browser();
    for (const anchor of ["x/../../evil", "#top", "a b", "https://evil.example", "A".repeat(60)]) {
      const { res } = await browser.post("/cart/items", {
        productId: String(rye.id),
        quantity: "1",
        anchor,
      }, { Referer: "http://localhost/" });
      expect(res.status).toBe(303);
      expect(res.headers.get("Location")).toBe("/?cart=added");
    }
  });
});
