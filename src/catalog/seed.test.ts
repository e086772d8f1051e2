import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { demoCategories, demoProducts } from "./demo-data.ts";
import { catalogIsEmpty, seedDemoCatalog } from "./seed.ts";

/** The demo seed: fills an empty shop and never touches what is already there. */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t?.close());

const counts = async () => {
  const [row] = await t.sql<{ categories: number; products: number }[]>`
    select (select count(*)::int from categories) as categories,
           (select count(*)::int from products) as products`;
  return row;
};

describe("seedDemoCatalog", () => {
  it("fills an empty shop with the demo bakery", async () => {
    expect(await catalogIsEmpty(t.sql)).toBe(true);
    expect(await seedDemoCatalog(t.sql)).toEqual({ productsCreated: 30 });
    expect(demoProducts).toHaveLength(30);
    expect(await counts()).toEqual({ categories: 6, products: 30 });
    expect(await catalogIsEmpty(t.sql)).toBe(false);

    const categories = await t.sql<{ slug: string }[]>`
      select slug from categories order by position`;
    expect(categories.map((c) => c.slug)).toEqual(demoCategories.map((c) => c.slug));
    const croissant = await t.services.catalog.product("butter-croissant");
    expect(croissant).toMatchObject({
      name: "Butter Croissant",
      priceCents: 240,
      stock: 48,
      categorySlug: "viennoiserie",
      imagePath: "/static/img/products/butter-croissant.svg",
    });
  });

  it("adds nothing on a second run", async () => {
    expect(await seedDemoCatalog(t.sql)).toEqual({ productsCreated: 0 });
    expect(await counts()).toEqual({ categories: 6, products: 30 });
  });

  it("leaves edited products and categories as they are", async () => {
    const before = (await t.services.catalog.product("seeded-rye"))!;
    await t.services.catalog.updateProduct(before.id, {
      name: "Dark Rye",
      priceCents: 777,
      allergens: [],
    });
    await t.services.catalog.setStock(before.id, 1);
    await t.sql`update categories set name = 'Loaves' where slug = 'breads'`;

    expect(await seedDemoCatalog(t.sql)).toEqual({ productsCreated: 0 });
    const after = (await t.services.catalog.product(String(before.id)))!;
    expect(after).toMatchObject({
      name: "Dark Rye",
      priceCents: 777,
      allergens: [],
      stock: 1,
      version: before.version + 1,
    });
    const [breads] = await t.sql<{ name: string }[]>`
      select name from categories where slug = 'breads'`;
    expect(breads.name).toBe("Loaves");
  });

  it("puts back only a missing demo product", async () => {
    await t.sql`delete from products where slug = 'flat-white'`;
    expect(await seedDemoCatalog(t.sql)).toEqual({ productsCreated: 1 });
    expect(await counts()).toEqual({ categories: 6, products: 30 });
    expect(await t.services.catalog.product("flat-white")).toMatchObject({ priceCents: 340 });
  });

  it("survives two instances seeding an empty shop at the same moment", async () => {
    await t.sql`delete from products`;
    await t.sql`delete from categories`;
    const results = await Promise.all([seedDemoCatalog(t.sql), seedDemoCatalog(t.sql)]);
    expect(results.map((r) => r.productsCreated).sort()).toEqual([0, 30]);
    expect(await counts()).toEqual({ categories: 6, products: 30 });
  });
});
