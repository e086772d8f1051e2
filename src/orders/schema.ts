import { z } from "@hono/zod-openapi";
import { statuses } from "./status.ts";
import { MAX_PER_PRODUCT, overProductCap, productCapMessage } from "./line-cap.ts";
import { jsonRecordId, multilineText, recordId, text } from "../http/fields.ts";

export const orderLineSchema = z.object({
  productId: jsonRecordId("productId must be a product id"),
  quantity: z.number({ message: "quantity must be a whole number" }).int(
    "quantity must be a whole number",
  ).min(1, "quantity must be at least 1").max(
    MAX_PER_PRODUCT,
    `quantity can be at most ${MAX_PER_PRODUCT}`,
  ),
});

export const placeOrderSchema = z.object({
  items: z.array(orderLineSchema).min(1, "items must name at least one product").max(100)
    .superRefine((items, ctx) => {
      const over = overProductCap(items);
      if (over) ctx.addIssue({ code: "custom", message: productCapMessage(over) });
    })
    .optional().openapi({
      description:
        `The lines to order; without them, the caller's cart. Lines of one product count together: at most ${MAX_PER_PRODUCT} of a product per order.`,
    }),
  pickupAt: text().max(40).optional().openapi({
    description:
      "`asap` (default) or the `at` of an available slot from `GET /pickup/slots`, any day up to the horizon",
    example: "2026-11-21T09:30:00.000Z",
  }),
  overCapacity: z.boolean().optional().openapi({
    description:
      "Staff and admins only: book the slot even when it is full (recorded in the audit log)",
  }),
  couponCode: text().trim().max(32).optional().transform((v) => v || undefined),
  note: multilineText().trim().max(500, "The note can be at most 500 characters").optional(),
}).openapi("PlaceOrderRequest");

export const orderIdParam = z.object({
  id: recordId("Give an order id").openapi({
    param: { name: "id", in: "path" },
    example: 1,
  }),
});

export const cancelSchema = z.object({
  reason: multilineText().trim().max(300).optional(),
}).openapi("CancelRequest");

export const statusChangeSchema = z.object({
  status: z.enum(statuses, { message: `status must be one of ${statuses.join(", ")}` }),
  reason: multilineText().trim().max(300).optional(),
  expectedFrom: z.enum(statuses).optional().openapi({
    description: "The status the caller saw; if the order moved on meanwhile the answer is 409",
  }),
}).openapi("StatusChangeRequest");

export const orderListQuery = z.object({
  page: z.coerce.number({ message: "page must be a whole number" }).int().min(1).max(10_000)
    .default(1),
  pageSize: z.coerce.number({ message: "pageSize must be a whole number" }).int().min(1).max(100)
    .default(20),
});

const orderItemSchema = z.object({
  productId: z.number().int(),
  name: z.string(),
  unitPriceCents: z.number().int(),
  quantity: z.number().int(),
  lineCents: z.number().int(),
});

export const orderSchema = z.object({
  id: z.number().int(),
  code: z.string().openapi({ example: "A-042" }),
  status: z.enum(statuses),
  pickupAt: z.string(),
  pickupAsap: z.boolean(),
  note: z.string(),
  subtotalCents: z.number().int(),
  discountCents: z.number().int(),
  totalCents: z.number().int(),
  currency: z.string(),
  couponCode: z.string().nullable(),
  cancelReason: z.string().nullable(),
  placedAt: z.string(),
  items: z.array(orderItemSchema).optional(),
  history: z.array(z.object({
    from: z.enum(statuses).nullable(),
    to: z.enum(statuses),
    reason: z.string().nullable(),
    at: z.string(),
  })).optional(),
}).openapi("Order");

export const orderListSchema = z.object({
  items: z.array(orderSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
}).openapi("OrderList");
