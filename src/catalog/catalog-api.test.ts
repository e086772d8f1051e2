import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";

/** The JSON API under /api/v1 and its OpenAPI document. */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
});
afterAll(() => t?.close());

interface ApiProduct {
  id: number;
  slug: string;
  name: string;
  priceCents: number;
  currency: string;
  stock: number;
  inStock: boolean;
  allergens: string[];
  imageUrl: string | null;
  category: { slug: string; name: string };
}
interface ProductList {
  items: ApiProduct[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}
interface ApiError {
  error: { code: string; message: string; fields?: Record<string, string> };
}

const get = async <T>(url: string) => {
  const res = await t.app.request(url);
  return { res, body: (await res.json()) as T };
};

describe("GET /api/v1/products", () => {
  it("pages through every product exactly once", async () => {
    const first = await get<ProductList>("/api/v1/products?pageSize=7");
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(first.body).toMatchObject({ page: 1, pageSize: 7, total: 30, totalPages: 5 });
    const slugs = first.body.items.map((p) => p.slug);
    for (let n = 2; n <= 5; n++) {
      const next = await get<ProductList>(`/api/v1/products?pageSize=7&page=${n}`);
      expect(next.body.page).toBe(n);
      slugs.push(...next.body.items.map((p) => p.slug));
    }
    expect(slugs).toHaveLength(30);
    expect(new Set(slugs).size).toBe(30);
    const beyond = await get<ProductList>("/api/v1/products?pageSize=7&page=6");
    expect(beyond.body).toMatchObject({ items: [], total: 30, totalPages: 5 });
  });

  it("defaults to page 1 of 24", async () => {
    const { body } = await get<ProductList>("/api/v1/products");
    expect(body).toMatchObject({ page: 1, pageSize: 24, total: 30, totalPages: 2 });
    expect(body.items).toHaveLength(24);
  });

  it("describes each product with live stock, price and category", async () => {
    const [row] = await t.sql<{ id: number }[]>`
      select id from products where slug = 'country-sourdough'`;
    await t.sql`update products set stock = 0 where id = ${row.id}`;
    const { body } = await get<ProductList>("/api/v1/products?category=breads&q=sourdough");
    expect(body.items).toEqual([{
      id: row.id,
      slug: "country-sourdough",
      name: "Country Sourdough",
      description: expect.stringContaining("36-hour"),
      priceCents: 650,
      currency: "EUR",
      stock: 0,
      inStock: false,
      kind: "shelf",
      leadTimeHours: 0,
      allergens: ["gluten"],
      ingredients: "Wheat flour (gluten), water, wholemeal rye flour (gluten), sea salt.",
      imageUrl: "/static/img/products/country-sourdough.svg",
      category: { slug: "breads", name: "Breads" },
    }]);
  });

  it("filters by category and search text", async () => {
    const breads = await get<ProductList>("/api/v1/products?category=breads");
    expect(breads.body.total).toBe(5);
    expect(breads.body.items.every((p) => p.category.slug === "breads")).toBe(true);

    const search = await get<ProductList>("/api/v1/products?q=Croissant");
    expect(search.body.items.map((p) => p.slug).sort()).toEqual([
      "almond-croissant",
      "butter-croissant",
      "pain-au-chocolat",
      "pain-aux-raisins",
    ]);
    const none = await get<ProductList>("/api/v1/products?q=%25%25");
    expect(none.body).toMatchObject({ items: [], total: 0, totalPages: 0 });

    const unknown = await get<ProductList>("/api/v1/products?category=pizzas");
    expect(unknown.res.status).toBe(200);
    expect(unknown.body.total).toBe(0);
  });

  it("sorts by price", async () => {
    const asc = await get<ProductList>("/api/v1/products?sort=price_asc&pageSize=100");
    const prices = asc.body.items.map((p) => p.priceCents);
    expect(prices).toHaveLength(30);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const desc = await get<ProductList>("/api/v1/products?sort=price_desc&pageSize=100");
    expect(desc.body.items.map((p) => p.priceCents)).toEqual([...prices].reverse());
  });

  it("rejects bad parameters with the JSON error shape and per-field messages", async () => {
    for (
      const [query, field, message] of [
        ["pageSize=0", "pageSize", "pageSize must be at least 1"],
        ["pageSize=500", "pageSize", "pageSize can be at most 100"],
        ["page=x", "page", "Page must be a whole number"],
        ["page=1.5", "page", "Page must be a whole number"],
        ["sort=bogus", "sort", "Sort must be one of name, price_asc, price_desc, newest"],
        ["category=NOT%20A%20SLUG", "category", "Category must be a category slug such as breads"],
        [`q=${"a".repeat(101)}`, "q", "Search text can be at most 100 characters"],
      ]
    ) {
      const { res, body } = await get<ApiError>(`/api/v1/products?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(body, query).toEqual({
        error: { code: "validation_failed", message, fields: { [field]: message } },
      });
    }
    const several = await get<ApiError>("/api/v1/products?pageSize=0&sort=bogus");
    expect(Object.keys(several.body.error.fields!).sort()).toEqual(["pageSize", "sort"]);
  });
});

describe("GET /api/v1/products/{idOrSlug}", () => {
  it("finds a product by slug and by id", async () => {
    const bySlug = await get<ApiProduct>("/api/v1/products/butter-croissant");
    expect(bySlug.res.status).toBe(200);
    expect(bySlug.body).toMatchObject({
      slug: "butter-croissant",
      name: "Butter Croissant",
      priceCents: 240,
      currency: "EUR",
      allergens: ["gluten", "milk", "eggs"],
      category: { slug: "viennoiserie", name: "Viennoiserie" },
    });
    const byId = await get<ApiProduct>(`/api/v1/products/${bySlug.body.id}`);
    expect(byId.res.status).toBe(200);
    expect(byId.body).toEqual(bySlug.body);
  });

  it("answers an unknown product with a JSON 404", async () => {
    for (const id of ["no-such-bun", "999999999"]) {
      const { res, body } = await get<ApiError>(`/api/v1/products/${id}`);
      expect(res.status, id).toBe(404);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(body).toEqual({
        error: { code: "not_found", message: "That product could not be found." },
      });
    }
  });

  it("rejects an id that is neither a number nor a slug", async () => {
    const { res, body } = await get<ApiError>("/api/v1/products/Not_A_Slug");
    expect(res.status).toBe(400);
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.fields).toHaveProperty("idOrSlug");
  });
});

describe("GET /api/v1/categories", () => {
  it("lists the 6 categories in shop order with their product counts", async () => {
    const { res, body } = await get<{ items: { slug: string; productCount: number }[] }>(
      "/api/v1/categories",
    );
    expect(res.status).toBe(200);
    expect(body.items.map((c) => [c.slug, c.productCount])).toEqual([
      ["breads", 5],
      ["viennoiserie", 5],
      ["cakes", 5],
      ["tarts", 5],
      ["cookies", 5],
      ["drinks", 5],
    ]);
    expect(Object.keys(body.items[0]).sort()).toEqual(
      ["description", "id", "name", "productCount", "slug"],
    );
  });
});

describe("API errors and documentation", () => {
  it("answers unknown API paths with JSON, never the HTML page", async () => {
    for (const url of ["/api/v1/nothing", "/api/v1/products/a/b", "/api/v2/products"]) {
      const { res, body } = await get<ApiError>(url);
      expect(res.status, url).toBe(404);
      expect(res.headers.get("Content-Type"), url).toMatch(/^application\/json/);
      expect(body.error.code).toBe("not_found");
    }
    const post = await t.app.request("/api/v1/products", { method: "POST" });
    expect(post.status).toBeGreaterThanOrEqual(400);
    expect(post.headers.get("Content-Type")).toMatch(/^application\/json/);
  });

  it("publishes an OpenAPI 3.1 document generated from the schemas", async () => {
    const { res, body } = await get<{
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>("/api/openapi.json");
    expect(res.status).toBe(200);
    expect(body.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(["/categories", "/products", "/products/{idOrSlug}"]),
    );
    expect(body.paths["/products"].get.parameters!.map((p) => p.name).sort()).toEqual(
      ["category", "date", "freeFrom", "page", "pageSize", "q", "sort"],
    );
    const { Product, Error: ErrorSchema } = body.components.schemas;
    expect(Object.keys(Product.properties!)).toEqual(
      expect.arrayContaining([
        "id",
        "slug",
        "priceCents",
        "currency",
        "stock",
        "allergens",
        "kind",
        "leadTimeHours",
        "available",
        "orderable",
        "reason",
      ]),
    );
    expect(ErrorSchema.properties).toHaveProperty("error");
    // The allergen enum comes straight from the zod schema.
    expect(JSON.stringify(Product)).toContain('"molluscs"');
  });

  it("serves the docs page from the local Swagger UI bundle", async () => {
    const res = await t.app.request("/api/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<script src="\/static\/vendor\/swagger-ui\/swagger-ui-bundle\.js/);
    expect(html).toContain('data-spec-url="/api/openapi.json"');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const bundle = await t.app.request("/static/vendor/swagger-ui/swagger-ui-bundle.js?v=test");
    expect(bundle.status).toBe(200);
    await bundle.body?.cancel();
  });
});
