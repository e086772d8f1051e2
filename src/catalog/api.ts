import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import { errorSchema, notFound } from "../http/errors.ts";
import { apiHook } from "../http/api.ts";
import type { AppEnv } from "../http/env.ts";
import type { ProductWithStock } from "./service.ts";
import type { Catalog } from "./service.ts";
import {
  categoryListSchema,
  productIdParam,
  productListQuery,
  productListSchema,
  productSchema,
} from "./schema.ts";

const json = <T>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

const listProducts = createRoute({
  method: "get",
  path: "/products",
  tags: ["Catalog"],
  summary: "List products on sale",
  description: "Paginated, filtered by category and search text, sorted. Stock is live.",
  request: { query: productListQuery },
  responses: {
    200: json(productListSchema, "One page of products"),
    400: json(errorSchema, "A query parameter is not valid"),
    429: json(errorSchema, "Too many requests"),
  },
});

const getProduct = createRoute({
  method: "get",
  path: "/products/{idOrSlug}",
  tags: ["Catalog"],
  summary: "One product by id or slug",
  request: { params: productIdParam },
  responses: {
    200: json(productSchema, "The product"),
    404: json(errorSchema, "No product on sale has that id or slug"),
  },
});

const listCategories = createRoute({
  method: "get",
  path: "/categories",
  tags: ["Catalog"],
  summary: "List categories",
  responses: { 200: json(categoryListSchema, "All categories in shop order") },
});

export function toApiProduct(p: ProductWithStock, currency: string): z.infer<typeof productSchema> {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    description: p.description,
    priceCents: p.priceCents,
    currency,
    stock: p.stock,
    inStock: p.stock > 0,
    allergens: p.allergens,
    imageUrl: p.imagePath,
    category: { slug: p.categorySlug, name: p.categoryName },
  };
}

/** The catalog part of /api/v1. */
export function catalogApi({ catalog, currency }: { catalog: Catalog; currency: string }) {
  return new OpenAPIHono<AppEnv>({ defaultHook: apiHook })
    .openapi(listProducts, async (c) => {
      const q = c.req.valid("query");
      const { items, total } = await catalog.browse({
        categorySlug: q.category,
        search: q.q,
        sort: q.sort,
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
      return c.json({
        items: items.map((p) => toApiProduct(p, currency)),
        page: q.page,
        pageSize: q.pageSize,
        total,
        totalPages: Math.ceil(total / q.pageSize),
      }, 200);
    })
    .openapi(getProduct, async (c) => {
      const product = await catalog.product(c.req.valid("param").idOrSlug);
      if (!product) throw notFound("That product");
      return c.json(toApiProduct(product, currency), 200);
    })
    .openapi(listCategories, async (c) => {
      const categories = await catalog.categories();
      return c.json({
        items: categories.map(({ id, slug, name, description, productCount }) => ({
          id,
          slug,
          name,
          description,
          productCount,
        })),
      }, 200);
    });
}
