import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { apiHook } from "../http/api.ts";
import type { AppEnv } from "../http/env.ts";
import { errorSchema } from "../http/errors.ts";
import { requireRole, requireUser } from "../accounts/middleware.ts";
import type { CartStore } from "../cart/store.ts";
import type { Orders } from "./service.ts";
import { AppError } from "../http/errors.ts";
import type { OrderItemRow, OrderRow, StatusChangeRow } from "./queries.ts";
import {
  cancelSchema,
  orderIdParam,
  orderListQuery,
  orderListSchema,
  orderSchema,
  placeOrderSchema,
  statusChangeSchema,
} from "./schema.ts";

const json = <T>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
const body = <T>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
const bearer = [{ bearerAuth: [] }];
const unauthorized = { 401: json(errorSchema, "No valid access token") };

export function toApiOrder(
  order: OrderRow,
  items?: OrderItemRow[],
  history?: StatusChangeRow[],
): z.infer<typeof orderSchema> {
  return {
    id: order.id,
    code: order.code,
    status: order.status,
    pickupAt: order.pickupAt.toISOString(),
    pickupAsap: order.pickupAsap,
    note: order.note,
    subtotalCents: order.subtotalCents,
    discountCents: order.discountCents,
    totalCents: order.totalCents,
    currency: order.currency,
    couponCode: order.couponCode,
    cancelReason: order.cancelReason,
    placedAt: order.placedAt.toISOString(),
    ...(items
      ? {
        items: items.map((i) => ({
          productId: i.productId,
          name: i.name,
          unitPriceCents: i.unitPriceCents,
          quantity: i.quantity,
          lineCents: i.unitPriceCents * i.quantity,
        })),
      }
      : {}),
    ...(history
      ? {
        history: history.map((h) => ({
          from: h.fromStatus,
          to: h.toStatus,
          reason: h.reason,
          at: h.at.toISOString(),
        })),
      }
      : {}),
  };
}

const place = createRoute({
  method: "post",
  path: "/orders",
  operationId: "placeOrder",
  tags: ["Orders"],
  summary: "Place an order for pickup",
  description:
    "Send `Idempotency-Key` to make retries safe: a repeat returns the same order; the same key with a different body is a 409. The pickup takes a seat in its slot, daily products come from that date's plan, shelf products from the stock, made-to-order products need their lead time; any refusal writes nothing.",
  security: bearer,
  middleware: [requireUser()] as const,
  request: {
    ...body(placeOrderSchema),
    headers: z.object({
      "idempotency-key": z.string().min(1).max(200).optional().openapi({
        description: "Any unique string per intended order, e.g. a UUID",
      }),
    }),
  },
  responses: {
    201: json(orderSchema, "The order was placed"),
    200: json(orderSchema, "A repeat of an order placed before with the same Idempotency-Key"),
    400: json(
      errorSchema,
      "`validation_failed` (body, or a pickup time that is not an offered slot), `coupon_refused`, `empty_order`",
    ),
    403: json(
      errorSchema,
      "`overCapacity` sent by a customer; `email_unverified`: the account's email address is not confirmed yet (see POST /me/verification)",
    ),
    409: json(
      errorSchema,
      "`insufficient_stock` (`items` lists the short lines, for the pickup date's plan or the shelf), `slot_full`, `idempotency_conflict`, `in_progress`",
    ),
    422: json(
      errorSchema,
      "`closed` (the date), `cutoff` (orders for tomorrow closed), `lead_time` (a made-to-order product needs more notice), `beyond_horizon`",
    ),
    ...unauthorized,
    429: json(errorSchema, "Too many requests"),
  },
});

const list = createRoute({
  method: "get",
  path: "/orders",
  tags: ["Orders"],
  summary: "The caller's orders, newest first",
  operationId: "listOrders",
  security: bearer,
  middleware: [requireUser()] as const,
  request: { query: orderListQuery },
  responses: {
    200: json(orderListSchema, "One page of orders"),
    400: json(errorSchema, "A bad page or pageSize"),
    ...unauthorized,
    429: json(errorSchema, "Too many requests"),
  },
});

const get = createRoute({
  method: "get",
  path: "/orders/{id}",
  tags: ["Orders"],
  summary: "One order with its lines and history",
  operationId: "getOrder",
  security: bearer,
  middleware: [requireUser()] as const,
  request: { params: orderIdParam },
  responses: {
    200: json(orderSchema, "The order"),
    400: json(errorSchema, "Not an order id"),
    404: json(errorSchema, "No such order (or not the caller's)"),
    ...unauthorized,
    429: json(errorSchema, "Too many requests"),
  },
});

const cancel = createRoute({
  method: "post",
  path: "/orders/{id}/cancel",
  tags: ["Orders"],
  summary: "Cancel an order (customers: only while it is placed)",
  description: "The order's seat, its date's plan and the shelf stock it took come back.",
  operationId: "cancelOrder",
  security: bearer,
  middleware: [requireUser()] as const,
  request: { params: orderIdParam, ...body(cancelSchema) },
  responses: {
    200: json(orderSchema, "Cancelled; its items are back in stock"),
    400: json(errorSchema, "Not an order id, or a bad body"),
    409: json(errorSchema, "Too late to cancel"),
    404: json(errorSchema, "No such order"),
    ...unauthorized,
    429: json(errorSchema, "Too many requests"),
  },
});

const status = createRoute({
  method: "post",
  path: "/orders/{id}/status",
  tags: ["Orders"],
  summary: "Move an order to its next status (staff)",
  operationId: "changeOrderStatus",
  security: bearer,
  middleware: [requireRole("staff", "admin")] as const,
  request: { params: orderIdParam, ...body(statusChangeSchema) },
  responses: {
    200: json(orderSchema, "The order in its new status"),
    400: json(errorSchema, "Not an order id, or a bad body"),
    409: json(errorSchema, "Not an allowed transition, or the order moved on meanwhile"),
    403: json(errorSchema, "Not staff"),
    404: json(errorSchema, "No such order"),
    ...unauthorized,
    429: json(errorSchema, "Too many requests"),
  },
});

/** /api/v1 orders. */
export function ordersApi({ orders, carts }: { orders: Orders; carts: CartStore }) {
  return new OpenAPIHono<AppEnv>({ defaultHook: apiHook })
    .openapi(place, async (c) => {
      const user = c.get("user")!;
      const input = c.req.valid("json");
      if (input.overCapacity && user.role === "customer") {
        throw new AppError(
          403,
          "forbidden",
          "Only staff can book a slot past its capacity.",
          { overCapacity: "Only staff can book a slot past its capacity." },
        );
      }
      const fromCart = !input.items;
      const items = input.items ??
        [...(await carts.lines({ userId: user.id }))].map(([productId, quantity]) => ({
          productId,
          quantity,
        }));
      // An empty cart is refused after the Idempotency-Key is looked up: the retry of an
      // order from the cart finds the cart emptied by the first attempt, and its order.
      const placed = await orders.place({
        userId: user.id,
        items,
        fromCart,
        pickup: input.pickupAt,
        note: input.note,
        couponCode: input.couponCode,
        idempotencyKey: c.req.valid("header")["idempotency-key"],
        overCapacity: input.overCapacity,
        meta: c.get("meta"),
      });
      if (fromCart && !placed.replayed) await carts.clear({ userId: user.id });
      const detail = await orders.detail(placed.order.id, user);
      return c.json(toApiOrder(detail.order, detail.items), placed.replayed ? 200 : 201);
    })
    .openapi(list, async (c) => {
      const { page, pageSize } = c.req.valid("query");
      const found = await orders.list(c.get("user")!.id, {
        limit: pageSize,
        offset: (page - 1) * pageSize,
      });
      return c.json({
        items: found.orders.map((o) => toApiOrder(o)),
        page,
        pageSize,
        total: found.total,
      }, 200);
    })
    .openapi(get, async (c) => {
      const detail = await orders.detail(c.req.valid("param").id, c.get("user")!);
      return c.json(toApiOrder(detail.order, detail.items, detail.history), 200);
    })
    .openapi(cancel, async (c) => {
      const user = c.get("user")!;
      const { id } = c.req.valid("param");
      await orders.changeStatus(id, "cancelled", user, {
        reason: c.req.valid("json").reason,
        meta: c.get("meta"),
      });
      const detail = await orders.detail(id, user);
      return c.json(toApiOrder(detail.order, detail.items, detail.history), 200);
    })
    .openapi(status, async (c) => {
      const user = c.get("user")!;
      const { id } = c.req.valid("param");
      const change = c.req.valid("json");
      await orders.changeStatus(id, change.status, user, {
        meta: c.get("meta"),
        reason: change.reason,
        expectedFrom: change.expectedFrom,
      });
      const detail = await orders.detail(id, user);
      return c.json(toApiOrder(detail.order, detail.items, detail.history), 200);
    });
}
