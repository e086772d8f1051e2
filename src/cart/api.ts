import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { requireUser } from "../accounts/middleware.ts";
import { apiHook } from "../http/api.ts";
import { recordId } from "../http/fields.ts";
import type { AppEnv } from "../http/env.ts";
import { bearer, json, jsonBody, problem, tooMany, unauthorized } from "../http/openapi.ts";
import { dateQuery, dateSchema } from "../bakery/schema.ts";
import type { Bakery } from "../bakery/service.ts";
import { type Cart, type CartView, notInCart } from "./service.ts";
import { MAX_LINE_QUANTITY } from "./store.ts";

/** The cart over the API: the same cart the pages use, checked against its pickup date. */

const cartSchema = z.object({
  date: z.string().openapi({ description: "The pickup date the lines are checked against" }),
  lines: z.array(z.object({
    productId: z.number().int(),
    name: z.string(),
    kind: z.enum(["daily", "made_to_order", "shelf"]),
    quantity: z.number().int(),
    unitPriceCents: z.number().int(),
    lineCents: z.number().int(),
    previousPriceCents: z.number().int().nullable().openapi({
      description: "The price when it was added, if it has changed since",
    }),
    available: z.number().int().nullable().openapi({
      description: "How many the date can give (null: no cap)",
    }),
    short: z.number().int().openapi({ description: "How many of the line the date cannot give" }),
    problem: z.string().nullable().openapi({
      description: "Why the line cannot be ordered for the date as it is",
    }),
  })),
  count: z.number().int(),
  subtotalCents: z.number().int(),
  orderable: z.boolean().openapi({ description: "Every line can be ordered for the date" }),
}).openapi("Cart", {
  example: {
    date: "2026-11-21",
    lines: [{
      productId: 6,
      name: "Butter Croissant",
      kind: "daily",
      quantity: 8,
      unitPriceCents: 240,
      lineCents: 1920,
      previousPriceCents: null,
      available: 5,
      short: 3,
      problem: "Only 5 left for Sat 21 Nov.",
    }],
    count: 8,
    subtotalCents: 0,
    orderable: false,
  },
});

const productParam = z.object({
  productId: recordId("Give a product id").openapi({
    param: { name: "productId", in: "path" },
    example: 6,
  }),
});

const quantitySchema = z.object({
  quantity: z.number({ message: "quantity must be a whole number" })
    .int("quantity must be a whole number").min(1, "quantity must be at least 1")
    .max(MAX_LINE_QUANTITY, `quantity can be at most ${MAX_LINE_QUANTITY}`),
}).strict().openapi("CartLineWrite", { example: { quantity: 2 } });

const common = {
  tags: ["Cart"],
  security: bearer,
  middleware: requireUser(),
};
const guarded = { ...unauthorized, ...tooMany };

const getCart = createRoute({
  ...common,
  method: "get",
  path: "/cart",
  operationId: "getCart",
  summary: "The caller's cart, checked against its pickup date",
  description:
    "Lines say what is short for the date: the cart's chosen date, or `?date=` to look at another without choosing it.",
  request: { query: dateQuery },
  responses: {
    200: json(cartSchema, "The cart"),
    400: problem("The date is not YYYY-MM-DD, is past, or is beyond the horizon"),
    ...guarded,
  },
});

const putItem = createRoute({
  ...common,
  method: "put",
  path: "/cart/items/{productId}",
  operationId: "setCartItem",
  summary: "Set how many of a product are in the cart (adds the line if absent)",
  request: { params: productParam, ...jsonBody(quantitySchema) },
  responses: {
    200: json(cartSchema, "The cart"),
    400: problem("A bad quantity, or more than the cart's date can give"),
    404: problem("No such product on sale"),
    ...guarded,
  },
});

const deleteItem = createRoute({
  ...common,
  method: "delete",
  path: "/cart/items/{productId}",
  operationId: "removeCartItem",
  summary: "Remove a product from the cart",
  request: { params: productParam },
  responses: {
    200: json(cartSchema, "The cart"),
    400: problem("Not a product id"),
    404: problem("The product is not in the cart"),
    ...guarded,
  },
});

const putDate = createRoute({
  ...common,
  method: "put",
  path: "/cart/date",
  operationId: "setCartDate",
  summary: "Choose the cart's pickup date (the website and apps share it)",
  request: jsonBody(z.object({ date: dateSchema }).strict().openapi("CartDateWrite")),
  responses: {
    200: json(cartSchema, "The cart, checked against the new date"),
    400: problem("The date is not YYYY-MM-DD, is past, or is beyond the horizon"),
    ...guarded,
  },
});

const toJson = (view: CartView): z.infer<typeof cartSchema> => ({
  date: view.date,
  lines: view.lines.map((l) => ({
    productId: l.product.id,
    name: l.product.name,
    kind: l.product.kind,
    quantity: l.quantity,
    unitPriceCents: l.product.priceCents,
    lineCents: l.lineCents,
    previousPriceCents: l.previousPriceCents ?? null,
    available: l.available,
    short: l.short,
    problem: l.problem ?? null,
  })),
  count: view.count,
  subtotalCents: view.subtotalCents,
  orderable: view.orderable,
});

export function cartApi({ cart, bakery }: { cart: Cart; bakery: Bakery }) {
  return new OpenAPIHono<AppEnv>({ defaultHook: apiHook })
    .openapi(getCart, async (c) => {
      const { date } = c.req.valid("query");
      if (date) await bakery.checkDate(date);
      return c.json(toJson(await cart.view({ userId: c.get("user")!.id }, date)), 200);
    })
    .openapi(putItem, async (c) => {
      const owner = { userId: c.get("user")!.id };
      await cart.setQuantity(owner, c.req.valid("param").productId, c.req.valid("json").quantity, {
        create: true,
      });
      return c.json(toJson(await cart.view(owner)), 200);
    })
    .openapi(deleteItem, async (c) => {
      const owner = { userId: c.get("user")!.id };
      const { productId } = c.req.valid("param");
      const lines = await cart.linesOf(owner);
      if (!lines.has(productId)) throw notInCart();
      await cart.remove(owner, productId);
      return c.json(toJson(await cart.view(owner)), 200);
    })
    .openapi(putDate, async (c) => {
      const owner = { userId: c.get("user")!.id };
      const { date } = c.req.valid("json");
      await bakery.checkDate(date);
      await cart.chooseDay(owner, date);
      return c.json(toJson(await cart.view(owner)), 200);
    });
}
