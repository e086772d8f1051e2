import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AdminTestContext, createAdminContext, get, post } from "../../tests/admin-support.ts";
import { allergens } from "./allergens.ts";

/** Free-from filtering on the catalog page and the API, and each product's ingredient list. */

let t: AdminTestContext;
beforeAll(async () => {
  t = await createAdminContext();
});
afterAll(() => t?.close());

const page = async (url: string, headers: Record<string, string> = {}) => {
  const res = await get(t, url, undefined, headers);
  return { res, html: await res.text() };
};

const cardSlugs = (html: string) =>
  [...html.matchAll(/<h3[^>]*><a href="\/products\/([a-z0-9-]+)"/g)].map((m) => m[1]).sort();

/** Active products containing none of these allergens, by slug. */
const slugsFreeFrom = async (avoid: string[]) =>
  (await t.sql<{ slug: string }[]>`
    select slug from products where active and not (allergens && ${avoid}::text[])`)
    .map((r) => r.slug).sort();

describe("free-from on the catalog page", () => {
  it("leaves out every product containing a chosen allergen (comma list)", async () => {
    const expected = await slugsFreeFrom(["gluten", "milk"]);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(24);
    const { res, html } = await page("/?free-from=gluten,milk");
    expect(res.status).toBe(200);
    expect(cardSlugs(html)).toEqual(expected);
    expect(html).toContain(`${expected.length} products, free from gluten and milk`);
    // The chosen boxes are ticked, the disclosure open, the others not ticked.
    expect(html).toMatch(/<details class="free-from" open="">/);
    expect(html).toMatch(/<input type="checkbox" name="free-from" value="gluten" checked=""\/>/);
    expect(html).toMatch(/<input type="checkbox" name="free-from" value="milk" checked=""\/>/);
    expect(html).toMatch(/<input type="checkbox" name="free-from" value="eggs"\/>/);
  });

  it("takes the checkboxes as a form without JavaScript sends them, and htmx's fragment", async () => {
    const expected = await slugsFreeFrom(["gluten", "nuts"]);
    const plain = await page("/?q=&free-from=nuts&free-from=gluten");
    expect(plain.res.status).toBe(200);
    expect(cardSlugs(plain.html)).toEqual(expected);
    const fragment = await page("/?free-from=gluten&free-from=nuts", {
      "HX-Request": "true",
      "HX-Target": "section#catalog-results",
    });
    expect(fragment.html.startsWith('<section id="catalog-results"')).toBe(true);
    expect(cardSlugs(fragment.html)).toEqual(expected);
  });

  it("offers the EU-14 allergens as checkboxes, and keeps the choice in the page links", async () => {
    const { html } = await page("/");
    for (const allergen of allergens) {
      expect(html).toContain(`name="free-from" value="${allergen}"`);
    }
    expect(html).toMatch(/<details class="free-from">/);
    // The search box no longer suggests searching by allergen.
    const placeholder = html.match(/id="catalog-search"[^>]*placeholder="([^"]*)"/)?.[1];
    expect(placeholder).toBeDefined();
    expect(placeholder!.toLowerCase()).not.toContain("gluten");
    const paged = await page("/?free-from=sesame&sort=price_asc");
    const expected = await slugsFreeFrom(["sesame"]);
    expect(expected.length).toBeGreaterThan(24);
    expect(paged.html).toContain('href="/?sort=price_asc&amp;free-from=sesame&amp;page=2"');
    const second = await page("/?sort=price_asc&free-from=sesame&page=2");
    expect([...cardSlugs(paged.html), ...cardSlugs(second.html)].sort()).toEqual(expected);
  });

  it("refuses an unknown allergen with words, not a 500", async () => {
    const { res, html } = await page("/?free-from=gluten,arsenic");
    expect(res.status).toBe(400);
    expect(html).toContain("Free from takes allergens from this list");
  });
});

describe("freeFrom on GET /api/v1/products", () => {
  it("filters the list and counts the pages of what is left", async () => {
    const expected = await slugsFreeFrom(["gluten", "milk"]);
    const res = await get(t, "/api/v1/products?freeFrom=gluten,milk&pageSize=100");
    expect(res.status).toBe(200);
    const body = await res.json() as {
      items: { slug: string; allergens: string[] }[];
      total: number;
    };
    expect(body.total).toBe(expected.length);
    expect(body.items.map((p) => p.slug).sort()).toEqual(expected);
    for (const p of body.items) expect(p.allergens).not.toContain("gluten");
    const repeated = await get(t, "/api/v1/products?freeFrom=milk&freeFrom=gluten&pageSize=100");
    expect((await repeated.json()).total).toBe(expected.length);
  });

  it("answers an unknown allergen with 400 and the field named", async () => {
    const res = await get(t, "/api/v1/products?freeFrom=shellfish");
    expect(res.status).toBe(400);
    const body = await res.json() as { error: { code: string; fields: Record<string, string> } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.fields.freeFrom).toContain("gluten, crustaceans");
  });

  it("is documented in the OpenAPI document", async () => {
    const doc = await (await get(t, "/api/openapi.json")).json() as {
      paths: Record<string, { get: { parameters: { name: string; description: string }[] } }>;
    };
    const parameter = doc.paths["/products"].get.parameters.find((p) => p.name === "freeFrom");
    expect(parameter?.description).toContain("none of these allergens");
    const product = JSON.stringify(doc);
    expect(product).toContain('"ingredients"');
  });
});

describe("ingredients", () => {
  it("are edited on the admin's product form and shown on the product's page", async () => {
    const [p] = await t.sql<
      {
        id: number;
        name: string;
        priceCents: number;
        categoryId: number;
        description: string;
        allergens: string[];
        version: number;
      }[]
    >`select id, name, price_cents, category_id, description, allergens, version
      from products where slug = 'apple-tart'`;
    const form = await (await get(t, `/admin/products/${p.id}`, t.admin)).text();
    expect(form).toMatch(/<textarea id="product-ingredients" name="ingredients"/);
    const fields = {
      name: p.name,
      slug: "apple-tart",
      price: (p.priceCents / 100).toFixed(2),
      categoryId: String(p.categoryId),
      description: p.description,
      allergens: p.allergens,
      lowStockThreshold: "5",
      active: "1",
      version: String(p.version),
    };
    const tooLong = await post(t, `/admin/products/${p.id}`, t.admin, {
      ...fields,
      ingredients: "x".repeat(2001),
    });
    expect(tooLong.status).toBe(422);
    expect(await tooLong.text()).toContain("The ingredients can be at most 2000 characters.");
    const saved = await post(t, `/admin/products/${p.id}`, t.admin, {
      ...fields,
      ingredients: "Bramley apples, wheat flour (gluten), butter (milk), sugar & <cinnamon>",
    });
    expect(saved.status).toBe(303);
    const shown = await (await get(t, "/products/apple-tart")).text();
    expect(shown).toContain('<h2 id="ingredients-heading"');
    expect(shown).toContain("wheat flour (gluten), butter (milk), sugar &amp; &lt;cinnamon&gt;");
    const api = await (await get(t, "/api/v1/products/apple-tart")).json();
    expect(api.ingredients).toContain("Bramley apples");
  });

  it("are left off a product's page that has none", async () => {
    await t.sql`update products set ingredients = '' where slug = 'hot-chocolate'`;
    await t.services.catalog.changed();
    const html = await (await get(t, "/products/hot-chocolate")).text();
    expect(html).not.toContain("ingredients-heading");
  });
});
