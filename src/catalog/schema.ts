import { z } from "@hono/zod-openapi";
import { allergens } from "./allergens.ts";
import { dateSchema } from "../bakery/schema.ts";
import { productKinds } from "../bakery/availability.ts";
import { text } from "../http/fields.ts";

/** Zod schemas for catalog query strings and API bodies; the OpenAPI document comes from them. */

const slugPattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const sorts = ["name", "price_asc", "price_desc", "newest"] as const;

const blankIsAbsent = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const search = z.preprocess(
  blankIsAbsent,
  text().trim().max(100, "Search text can be at most 100 characters").optional(),
).openapi({ description: "Words to look for in product names and descriptions", example: "rye" });

const categorySlug = z.preprocess(
  blankIsAbsent,
  z.string().max(60).regex(slugPattern, "Category must be a category slug such as breads")
    .optional(),
).openapi({ description: "Only products of this category (its slug)", example: "breads" });

const sort = z.preprocess(
  blankIsAbsent,
  z.enum(sorts, { message: `Sort must be one of ${sorts.join(", ")}` }).default("name"),
).openapi({ description: "Order of the results" });

const page = z.preprocess(
  blankIsAbsent,
  z.coerce.number({ message: "Page must be a whole number" }).int("Page must be a whole number")
    .min(1, "Page starts at 1").max(10_000, "Page can be at most 10000").default(1),
).openapi({ description: "1-based page number", example: 1 });

const FREE_FROM_MESSAGE = `Free from takes allergens from this list: ${allergens.join(", ")}`;

/**
 * Allergens to leave out, as a comma list (`gluten,milk`) or repeated fields (what a form of
 * checkboxes sends), in any mix; returned once each, in the list's order.
 */
const allergenList = z.preprocess(
  (v) => {
    const parts = (Array.isArray(v) ? v : [v]).filter((p) => typeof p === "string")
      .flatMap((p: string) => p.split(",")).map((p) => p.trim().toLowerCase()).filter(Boolean);
    return parts.length === 0 ? undefined : parts;
  },
  z.array(z.string()).refine(
    (chosen) =>
      chosen.length <= allergens.length * 2 &&
      chosen.every((a) => (allergens as readonly string[]).includes(a)),
    FREE_FROM_MESSAGE,
  ).transform((chosen) => allergens.filter((a) => chosen.includes(a))).optional(),
);

const freeFrom = allergenList.openapi({
  description: `Only products that contain none of these allergens: a comma-separated list of ${
    allergens.join(", ")
  }`,
  example: "gluten,milk",
  type: "string",
});

/** The customer catalog page's query string (`free-from` as checkboxes or a comma list). */
export const catalogPageQuery = z.object({
  q: search,
  category: categorySlug,
  sort,
  page,
  "free-from": allergenList,
});

const pickupDate = z.preprocess(blankIsAbsent, dateSchema.optional()).openapi({
  description:
    "A pickup date (YYYY-MM-DD, from today to the horizon): adds `available`, `orderable`, `reason` and `orderBy` for that date",
  example: "2026-11-21",
});

export const productQuery = z.object({ date: pickupDate });

export const productListQuery = z.object({
  date: pickupDate,
  q: search,
  category: categorySlug,
  freeFrom,
  sort,
  page,
  pageSize: z.preprocess(
    blankIsAbsent,
    z.coerce.number({ message: "pageSize must be a whole number" }).int().min(
      1,
      "pageSize must be at least 1",
    ).max(100, "pageSize can be at most 100").default(24),
  ).openapi({ description: "Results per page (1-100)", example: 24 }),
});

export const productIdParam = z.object({
  idOrSlug: z.string().max(120).regex(
    /^(\d{1,9}|[a-z0-9]+(-[a-z0-9]+)*)$/,
    "Give a product id or slug",
  ).openapi({
    param: { name: "idOrSlug", in: "path" },
    description: "Numeric id or slug of the product",
    example: "butter-croissant",
  }),
});

export const categorySchema = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  productCount: z.number().int().openapi({ description: "Active products in the category" }),
}).openapi("Category");

export const productSchema = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  priceCents: z.number().int().openapi({ description: "Price in the smallest currency unit" }),
  currency: z.string().openapi({ example: "EUR" }),
  stock: z.number().int().nullable().openapi({
    description: "What the shop has today (null: made to order, no cap)",
  }),
  inStock: z.boolean(),
  kind: z.enum(productKinds).openapi({
    description:
      "`daily`: baked for each date (that date's plan); `made_to_order`: no cap, needs `leadTimeHours` of notice; `shelf`: one stock across days",
  }),
  leadTimeHours: z.number().int(),
  date: z.string().optional().openapi({
    description: "With `?date=`: the date of the fields below",
  }),
  available: z.number().int().nullable().optional().openapi({
    description: "With `?date=`: how many can be ordered for that date (null: unlimited)",
  }),
  orderable: z.boolean().optional().openapi({
    description: "With `?date=`: it can be ordered for that date now",
  }),
  reason: z.string().nullable().optional().openapi({
    description: "With `?date=`: why not, and when it can be had, in words",
    example: "Chocolate Fudge Cake needs 48 hours' notice. Order by Thu 15:00 for Sat 21 Nov.",
  }),
  orderBy: z.string().nullable().optional().openapi({
    description: "With `?date=`: the last moment to order it for that date, if any",
  }),
  allergens: z.array(z.enum(allergens)).openapi({
    description: "The EU-14 allergens this product contains",
  }),
  ingredients: z.string().openapi({
    description: "What it is made of, as the shop writes it (empty when not given)",
    example: "Wheat flour, water, rye sourdough, salt",
  }),
  imageUrl: z.string().nullable(),
  category: z.object({ slug: z.string(), name: z.string() }),
}).openapi("Product");

export const productListSchema = z.object({
  items: z.array(productSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  totalPages: z.number().int(),
}).openapi("ProductList");

export const categoryListSchema = z.object({ items: z.array(categorySchema) }).openapi(
  "CategoryList",
);
