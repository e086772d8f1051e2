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
      kind: "daily",
      leadTimeHours: 0,
      categorySlug: "viennoiserie",
      imagePath: "/static/img/products/butter-croissant.svg",
    });
  });

  it("runs the demo bakery's days: breads baked daily to a par, whole cakes to order, a shelf", async () => {
    const rows = await t.sql<
      { slug: string; kind: string; leadTimeHours: number; par: number[] }[]
    >`
      select slug, kind, lead_time_hours, par from products order by id`;
    const bySlug = new Map(rows.map((r) => [r.slug, r]));
    // Monday to Sunday: the weekend bakes more, Sunday less.
    expect(bySlug.get("butter-croissant")).toMatchObject({
      kind: "daily",
      par: [48, 48, 48, 48, 60, 77, 29],
    });
    expect(bySlug.get("country-sourdough")?.kind).toBe("daily");
    for (const cake of ["chocolate-fudge-cake", "victoria-sponge", "basque-cheesecake"]) {
      expect(bySlug.get(cake), cake).toMatchObject({ kind: "made_to_order", leadTimeHours: 48 });
    }
    expect(bySlug.get("flat-white")?.kind).toBe("shelf");
    const kinds = rows.reduce<Record<string, number>>(
      (n, r) => ({ ...n, [r.kind]: (n[r.kind] ?? 0) + 1 }),
      {},
    );
    expect(kinds).toEqual({ daily: 16, made_to_order: 4, shelf: 10 });
    // Today's stock of a daily product is today's plan.
    const today = t.services.bakery.today();
    const weekday = new Date(`${today}T12:00:00Z`).getUTCDay() || 7;
    const croissant = await t.services.catalog.product("butter-croissant");
    expect(croissant?.stock).toBe(bySlug.get("butter-croissant")!.par[weekday - 1]);
    expect((await t.services.catalog.product("victoria-sponge"))?.stock).toBeNull();
  });

  it("adds nothing on a second run", async () => {
    expect(await seedDemoCatalog(t.sql)).toEqual({ productsCreated: 0 });
    expect(await counts()).toEqual({ categories: 6, products: 30 });
  });

  it("leaves edited products and categories as they are", async () => {
    const before = (await t.services.catalog.product("filter-coffee"))!;
    await t.services.catalog.updateProduct(before.id, {
      name: "Dark Roast",
      priceCents: 777,
      allergens: [],
    });
    await t.services.catalog.setStock(before.id, 1);
    await t.sql`update categories set name = 'Loaves' where slug = 'breads'`;

    expect(await seedDemoCatalog(t.sql)).toEqual({ productsCreated: 0 });
    const after = (await t.services.catalog.product(String(before.id)))!;
    expect(after).toMatchObject({
      name: "Dark Roast",
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
