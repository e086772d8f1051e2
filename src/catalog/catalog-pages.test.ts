import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";

/** The customer catalog pages, driven through `app.request()` on a seeded shop. */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
});
afterAll(() => t?.close());

const page = async (url: string, headers: Record<string, string> = {}) => {
  const res = await t.app.request(url, { headers });
  return { res, html: await res.text() };
};

/** Product slugs of the cards shown, in page order. */
const cardSlugs = (html: string) =>
  [...html.matchAll(/<h3[^>]*><a href="\/products\/([a-z0-9-]+)"/g)].map((m) => m[1]);

/** Prices shown on the cards, in cents, in page order. */
const cardPrices = (html: string) =>
  [...html.matchAll(/whitespace-nowrap">€(\d+)\.(\d\d)</g)].map((m) =>
    Number(m[1]) * 100 + Number(m[2])
  );

const slugsWhere = async (condition: string) =>
  (await t.sql.unsafe<{ slug: string }[]>(
    `select p.slug from products p join categories c on c.id = p.category_id
     where p.active and ${condition}`,
  )).map((r) => r.slug).sort();

describe("catalog page", () => {
  it("renders the full page: doctype, layout, cart slot and the first 24 products", async () => {
    const { res, html } = await page("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toMatch(/<header[\s>]/);
    expect(html).toMatch(/<nav aria-label="Main"/);
    expect(html).toMatch(/<footer[\s>]/);
    expect(html).toContain('id="cart-count"');
    expect(html).toContain('<section id="catalog-results"');
    expect(html).toContain("30 products");
    expect(cardSlugs(html)).toHaveLength(24);
    expect(html).toContain("Page 1 of 2");
    expect(html).toContain('href="/?page=2" rel="next"');
  });

  it("shows the remaining 6 products on page 2, none repeated from page 1", async () => {
    const first = cardSlugs((await page("/")).html);
    const { res, html } = await page("/?page=2");
    expect(res.status).toBe(200);
    const second = cardSlugs(html);
    expect(second).toHaveLength(6);
    expect(new Set([...first, ...second]).size).toBe(30);
    expect(html).toContain("Page 2 of 2");
    expect(html).toContain('href="/" rel="prev"');
    expect(html).not.toContain('rel="next"');
  });

  it("a page past the end is empty but keeps the total", async () => {
    const { res, html } = await page("/?page=3");
    expect(res.status).toBe(200);
    expect(cardSlugs(html)).toEqual([]);
  });

  it("filters by category", async () => {
    const { res, html } = await page("/?category=breads");
    expect(res.status).toBe(200);
    expect(cardSlugs(html).sort()).toEqual(await slugsWhere("c.slug = 'breads'"));
    expect(cardSlugs(html)).toHaveLength(5);
    expect(html).toContain("<title>Breads · Crumb Bakery</title>");
    expect(html).toMatch(/value="breads" checked/);
  });

  it("answers an unknown category with a 404 page", async () => {
    const { res, html } = await page("/?category=pizzas");
    expect(res.status).toBe(404);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("That category could not be found.");
  });

  it("searches names and descriptions, case-insensitively", async () => {
    const { res, html } = await page("/?q=CROISSANT");
    expect(res.status).toBe(200);
    const expected = await slugsWhere(
      "(p.name ilike '%croissant%' or p.description ilike '%croissant%')",
    );
    // Two by name, two more only through their description ("croissant dough").
    expect(expected).toEqual([
      "almond-croissant",
      "butter-croissant",
      "pain-au-chocolat",
      "pain-aux-raisins",
    ]);
    expect(cardSlugs(html).sort()).toEqual(expected);
    expect(html).toContain("4 products matching “CROISSANT”");
    expect(html).toContain('value="CROISSANT"');
  });

  it("takes % and _ in the search literally", async () => {
    // What a plain substring search (no LIKE at all) finds, as the reference.
    const containing = async (text: string) =>
      (await t.sql<{ slug: string }[]>`
        select slug from products
        where active and (strpos(lower(name), lower(${text})) > 0
                          or strpos(lower(description), lower(${text})) > 0)`)
        .map((r) => r.slug).sort();
    // "70% chocolate" in one description: "%" finds that product and no other.
    expect(await containing("%")).toEqual(["chocolate-tart"]);
    for (const q of ["%", "_", "0%", "a_b", "\\"]) {
      const { res, html } = await page(`/?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(cardSlugs(html).sort(), q).toEqual(await containing(q));
    }
    expect(cardSlugs((await page("/?q=_")).html)).toEqual([]);
  });

  it("escapes HTML from the search text", async () => {
    const q = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
    const { res, html } = await page(`/?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;");
  });

  it("sorts by price both ways across the whole catalog", async () => {
    const rows = await t.sql<{ priceCents: number }[]>`
      select price_cents from products where active`;
    const all = rows.map((r) => r.priceCents);
    const ascending = [...all].sort((a, b) => a - b);

    const asc = [
      ...cardPrices((await page("/?sort=price_asc")).html),
      ...cardPrices((await page("/?sort=price_asc&page=2")).html),
    ];
    expect(asc).toEqual(ascending);

    const desc = cardPrices((await page("/?sort=price_desc")).html);
    expect(desc).toEqual(ascending.reverse().slice(0, 24));
  });

  it("answers bad parameters with a 400 page that says what is wrong", async () => {
    for (
      const [url, message] of [
        ["/?page=abc", "Page must be a whole number"],
        ["/?page=0", "Page starts at 1"],
        ["/?sort=cheapest", "Sort must be one of name, price_asc, price_desc, newest"],
        ["/?category=Not%20A%20Slug", "Category must be a category slug"],
      ]
    ) {
      const { res, html } = await page(url);
      expect(res.status, url).toBe(400);
      expect(html.startsWith("<!doctype html>"), url).toBe(true);
      expect(html, url).toContain(message);
    }
  });
});

describe("one URL, two representations", () => {
  const fragmentHeaders = { "HX-Request": "true", "HX-Target": "section#catalog-results" };

  it("sends only the results fragment when htmx targets the results", async () => {
    const { res, html } = await page("/?category=breads", fragmentHeaders);
    expect(res.status).toBe(200);
    expect(html).not.toContain("<html");
    expect(html).not.toContain("<header");
    expect(html.startsWith('<section id="catalog-results"')).toBe(true);
    expect(cardSlugs(html)).toHaveLength(5);
    expect(res.headers.get("Vary")).toMatch(/HX-Request/);
  });

  it("sends the full page to boosted, history-restore and other htmx requests", async () => {
    const cases: Record<string, string>[] = [
      { "HX-Request": "true", "HX-Boosted": "true", "HX-Target": "body" },
      { ...fragmentHeaders, "HX-History-Restore-Request": "true" },
      { "HX-Request": "true", "HX-Target": "div#somewhere-else" },
      { "HX-Request": "true" },
    ];
    for (const headers of cases) {
      const { res, html } = await page("/", headers);
      expect(res.status).toBe(200);
      expect(html, JSON.stringify(headers)).toContain("<html");
      expect(html).toContain('<section id="catalog-results"');
      expect(res.headers.get("Vary")).toMatch(/HX-Request/);
    }
    const plain = await page("/");
    expect(plain.res.headers.get("Vary")).toMatch(/HX-Request/);
  });

  it("keeps a search form that works without JavaScript", async () => {
    const { html } = await page("/");
    const form = html.match(/<form[^>]*role="search"[^>]*>[\s\S]*?<\/form>/)?.[0] ?? "";
    expect(form).toMatch(/method="get"/);
    expect(form).toMatch(/action="\/"/);
    expect(form).toMatch(/<input[^>]*name="q"/);
    expect(form).toMatch(/<select[^>]*name="sort"/);
    expect(form).toMatch(/<input[^>]*name="category"/);
    expect(form).toMatch(/<button type="submit"/);
  });
});

describe("product page", () => {
  it("shows photo, description, price, allergens and stock", async () => {
    const { res, html } = await page("/products/country-sourdough");
    expect(res.status).toBe(200);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<h1");
    expect(html).toContain("Country Sourdough</h1>");
    // The drawing's URL carries the build's version: it is cached for a year.
    expect(html).toMatch(
      /<img src="\/static\/img\/products\/country-sourdough\.svg\?v=test" alt="Country Sourdough" width="800" height="600" decoding="async"/,
    );
    expect(html).toContain("36-hour naturally leavened loaf");
    expect(html).toContain("€6.50");
    expect(html).toMatch(
      /<ul[^>]*aria-label="Contains"[^>]*><li class="allergen-tag">Gluten<\/li><\/ul>/,
    );
    expect(html).toMatch(/class="stock-badge stock-ok stock-\d+"[^>]*data-stock="24">In stock</);
  });

  it("shows low stock and sold out", async () => {
    const product = (await t.services.catalog.product("basque-cheesecake"))!;
    expect((await page("/products/basque-cheesecake")).html).toContain("Only 3 left");
    await t.sql`update products set stock = 0 where id = ${product.id}`;
    expect((await page("/products/basque-cheesecake")).html).toContain("Sold out");
  });

  it("is also found by numeric id", async () => {
    const [row] = await t.sql<{ id: number }[]>`
      select id from products where slug = 'seeded-rye'`;
    const { res, html } = await page(`/products/${row.id}`);
    expect(res.status).toBe(200);
    expect(html).toContain("Seeded Rye</h1>");
  });

  it("answers unknown and malformed products with a 404 page", async () => {
    for (const url of ["/products/no-such-bun", "/products/999999", "/products/Bad_Slug"]) {
      const { res, html } = await page(url);
      expect(res.status, url).toBe(404);
      expect(html, url).toContain("That product could not be found.");
      expect(html.startsWith("<!doctype html>")).toBe(true);
    }
  });

  it("hides archived products", async () => {
    const [row] = await t.sql<{ id: number }[]>`
      select id from products where slug = 'hot-chocolate'`;
    await t.services.catalog.updateProduct(row.id, { active: false });
    expect((await page("/products/hot-chocolate")).res.status).toBe(404);
    expect(cardSlugs((await page("/?category=drinks")).html)).not.toContain("hot-chocolate");
  });
});
