import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, createServices } from "../app.ts";
import type { Store } from "../infra/store.ts";
import { StoreUnavailableError } from "../infra/store.ts";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { CATALOG_PREFIX } from "./cache.ts";

/**
 * The catalog cache: product and category info is served from the store until a write
 * through the catalog service drops it; stock is always read from the database.
 */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
});
afterAll(() => t?.close());

const idOf = async (slug: string) => {
  const [row] = await t.sql<{ id: number; version: number }[]>`
    select id, version from products where slug = ${slug}`;
  return row;
};
const html = async (url: string) => await (await t.app.request(url)).text();
const api = async <T>(url: string) => (await (await t.app.request(url)).json()) as T;

describe("catalog cache", () => {
  it("serves product info from the cache: a price changed behind its back is not seen", async () => {
    const { id } = await idOf("seeded-rye");
    expect(await html("/products/seeded-rye")).toContain("€7.20");
    expect(await t.store.get(`${CATALOG_PREFIX}product:seeded-rye`)).not.toBeNull();

    // Straight to the database, without invalidation: the cached price is still served.
    await t.sql`update products set price_cents = 999 where id = ${id}`;
    expect(await html("/products/seeded-rye")).toContain("€7.20");
    expect((await api<{ priceCents: number }>("/api/v1/products/seeded-rye")).priceCents)
      .toBe(720);
  });

  it("serves a price changed through the catalog service on the very next request", async () => {
    const { id } = await idOf("brioche-loaf");
    // Warm every entry that shows this product: page, catalog list, API product and list.
    expect(await html("/products/brioche-loaf")).toContain("€5.90");
    expect(await html("/?category=breads")).toContain("€5.90");
    await api("/api/v1/products/brioche-loaf");
    await api("/api/v1/products?category=breads");
    expect(await t.store.get(`${CATALOG_PREFIX}product:brioche-loaf`)).not.toBeNull();
    expect(await t.store.get(`${CATALOG_PREFIX}products:breads:name:24:0`)).not.toBeNull();

    const updated = await t.services.catalog.updateProduct(id, { priceCents: 615 });
    expect(updated).not.toBeNull();

    expect(await html("/products/brioche-loaf")).toContain("€6.15");
    expect(await html("/?category=breads")).toContain("€6.15");
    expect(await html("/?category=breads")).not.toContain("€5.90");
    expect((await api<{ priceCents: number }>("/api/v1/products/brioche-loaf")).priceCents)
      .toBe(615);
    expect((await api<{ priceCents: number }>(`/api/v1/products/${id}`)).priceCents).toBe(615);
    const list = await api<{ items: { slug: string; priceCents: number }[] }>(
      "/api/v1/products?category=breads",
    );
    expect(list.items.find((p) => p.slug === "brioche-loaf")?.priceCents).toBe(615);
  });

  it("drops cached category counts when a product is archived", async () => {
    const counts = async () =>
      (await api<{ items: { slug: string; productCount: number }[] }>("/api/v1/categories"))
        .items.find((c) => c.slug === "cookies")?.productCount;
    expect(await counts()).toBe(5);
    await t.services.catalog.updateProduct((await idOf("shortbread-fingers")).id, {
      active: false,
    });
    expect(await counts()).toBe(4);
    expect((await t.app.request("/products/shortbread-fingers")).status).toBe(404);
  });

  it("never caches stock: a change in the database shows on the next request", async () => {
    const { id } = await idOf("carrot-cake-slice");
    expect(await html("/products/carrot-cake-slice")).toContain('data-stock="14"');
    expect(await html("/?category=cakes")).toContain('data-stock="14"');
    await t.sql`update products set stock = 2 where id = ${id}`;
    expect(await html("/products/carrot-cake-slice")).toContain("Only 2 left");
    expect(await html("/?category=cakes")).toMatch(
      new RegExp(`stock-${id}" data-product-id="${id}" data-stock="2">Only 2 left`),
    );
    expect((await api<{ stock: number }>("/api/v1/products/carrot-cake-slice")).stock).toBe(2);
    const cached = await t.store.get(`${CATALOG_PREFIX}product:carrot-cake-slice`);
    expect(cached).not.toBeNull();
    expect(JSON.parse(cached!)).not.toHaveProperty("stock");
  });

  it("keeps a change with a stale version from happening", async () => {
    const { id, version } = await idOf("apple-tart");
    const moved = await t.services.catalog.updateProduct(id, { name: "Apple Tart" }, version);
    expect(moved).toEqual({ id, version: version + 1 });

    const stale = await t.services.catalog.updateProduct(id, { priceCents: 1 }, version);
    expect(stale).toBeNull();
    const [row] = await t.sql<{ priceCents: number; version: number }[]>`
      select price_cents, version from products where id = ${id}`;
    expect(row).toEqual({ priceCents: 1800, version: version + 1 });
    expect(await html("/products/apple-tart")).toContain("€18.00");
  });

  it("applies every kind of change", async () => {
    const { id } = await idOf("pecan-pie-slice");
    await t.services.catalog.updateProduct(id, {
      name: "Pecan Pie",
      description: "Now with maple",
      priceCents: 499,
      allergens: ["gluten", "nuts"],
      imagePath: null,
    });
    const product = await t.services.catalog.product(String(id));
    expect(product).toMatchObject({
      name: "Pecan Pie",
      description: "Now with maple",
      priceCents: 499,
      allergens: ["gluten", "nuts"],
      imagePath: null,
    });
    expect(await html(`/products/${id}`)).toContain("/static/img/placeholder.svg");
  });
});

describe("catalog with the store down", () => {
  const broken = (how: "reject" | "throw"): Store => {
    const fail = () => {
      const error = new StoreUnavailableError("Redis: connection refused");
      if (how === "throw") throw error;
      return Promise.reject(error);
    };
    return {
      ...t.store,
      get: fail,
      getMany: fail,
      set: fail,
      deletePrefix: fail,
    };
  };

  for (const how of ["reject", "throw"] as const) {
    it(`renders pages and API answers from the database (store calls ${how})`, async () => {
      const deps = { ...t.deps, store: broken(how) };
      const app = createApp(deps);
      const home = await app.request("/?category=drinks");
      expect(home.status).toBe(200);
      expect(await home.text()).toContain("Filter Coffee");
      const product = await app.request("/products/filter-coffee");
      expect(product.status).toBe(200);
      expect(await product.text()).toContain("€2.60");
      const list = await app.request("/api/v1/products?q=coffee");
      expect(list.status).toBe(200);
      expect(((await list.json()) as { total: number }).total).toBe(1);
      expect((await app.request("/api/v1/categories")).status).toBe(200);
    });
  }

  it("still writes to the database when the cache cannot be dropped", async () => {
    const deps = { ...t.deps, store: broken("reject") };
    const app = createApp(deps);
    const { id } = await idOf("flat-white");
    // A catalog service on the broken store: the write lands, the failed drop is only logged.
    const services = createServices(deps);
    expect(await services.catalog.updateProduct(id, { priceCents: 355 })).not.toBeNull();
    expect(await (await app.request("/products/flat-white")).text()).toContain("€3.55");
  });
});
