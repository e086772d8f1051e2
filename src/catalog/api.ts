import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import { errorSchema, notFound } from "../http/errors.ts";
import { apiHook } from "../http/api.ts";
import type { AppEnv } from "../http/env.ts";
import type { ProductWithStock } from "./service.ts";
import type { Catalog } from "./service.ts";
import type { Bakery } from "../bakery/service.ts";
import type { Availability } from "../bakery/availability.ts";
import {
  categoryListSchema,
  productIdParam,
  productListQuery,
  productListSchema,
  productQuery,
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
  operationId: "listProducts",
  description:
    "Paginated, filtered by category, search text and allergens to avoid (`freeFrom`), sorted. Stock is live. With `?date=` each product says what can be had for that pickup date.",
  security: [],
  request: { query: productListQuery },
  responses: {
    200: json(productListSchema, "One page of products"),
    400: json(
      errorSchema,
      "A query parameter is not valid, or the date is past or beyond the horizon",
    ),
    429: json(errorSchema, "Too many requests"),
  },
});

const getProduct = createRoute({
  method: "get",
  path: "/products/{idOrSlug}",
  tags: ["Catalog"],
  summary: "One product by id or slug",
  operationId: "getProduct",
  security: [],
  request: { params: productIdParam, query: productQuery },
  responses: {
    200: json(productSchema, "The product"),
    400: json(errorSchema, "The date is not valid, past or beyond the horizon"),
    404: json(errorSchema, "No product on sale has that id or slug"),
    429: json(errorSchema, "Too many requests"),
  },
});

const listCategories = createRoute({
  method: "get",
  path: "/categories",
  tags: ["Catalog"],
  summary: "List categories",
  operationId: "listCategories",
  security: [],
  responses: {
    200: json(categoryListSchema, "All categories in shop order"),
    429: json(errorSchema, "Too many requests"),
  },
});

export function toApiProduct(
  p: ProductWithStock,
  currency: string,
  on?: { date: string; availability?: Availability },
): z.infer<typeof productSchema> {
  const a = on?.availability;
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    description: p.description,
    priceCents: p.priceCents,
    currency,
    stock: p.stock,
    inStock: p.stock === null || p.stock > 0,
    kind: p.kind,
    leadTimeHours: p.leadTimeHours,
    ...(on
      ? {
        date: on.date,
        available: a ? a.available : 0,
        orderable: a?.orderable ?? false,
        reason: a ? a.reason : "This product is no longer sold.",
        orderBy: a?.orderBy?.toISOString() ?? null,
      }
      : {}),
    allergens: p.allergens,
    ingredients: p.ingredients,
    imageUrl: p.imagePath,
    category: { slug: p.categorySlug, name: p.categoryName },
  };
}

/** The catalog part of /api/v1. */
export function catalogApi(
  { catalog, currency, bakery }: { catalog: Catalog; currency: string; bakery: Bakery },
) {
  /** Each product's availability on `date` (checked before: the handlers call checkDate). */
  const onDate = async (date: string | undefined, products: ProductWithStock[]) => {
    if (!date) return () => undefined;
    const found = await bakery.availability(date, products.map((p) => p.id));
    return (p: ProductWithStock) => ({ date, availability: found.get(p.id) });
  };
  return new OpenAPIHono<AppEnv>({ defaultHook: apiHook })
    .openapi(listProducts, async (c) => {
      const q = c.req.valid("query");
      if (q.date) await bakery.checkDate(q.date);
      const { items, total } = await catalog.browse({
        categorySlug: q.category,
        search: q.q,
        freeFrom: q.freeFrom,
        sort: q.sort,
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
      const on = await onDate(q.date, items);
      return c.json({
        items: items.map((p) => toApiProduct(p, currency, on(p))),
        page: q.page,
        pageSize: q.pageSize,
        total,
        totalPages: Math.ceil(total / q.pageSize),
      }, 200);
    })
    .openapi(getProduct, async (c) => {
      const { date } = c.req.valid("query");
      if (date) await bakery.checkDate(date);
      const product = await catalog.product(c.req.valid("param").idOrSlug);
      if (!product) throw notFound("That product");
      const on = await onDate(date, [product]);
      return c.json(toApiProduct(product, currency, on(product)), 200);
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
