import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { requireRole } from "../accounts/middleware.ts";
import { apiHook } from "../http/api.ts";
import type { AppEnv } from "../http/env.ts";
import { adminAccess, forbidden, json, problem, tooMany, unauthorized } from "../http/openapi.ts";
import type { Queryable } from "../infra/db.ts";
import { dateParam } from "../bakery/schema.ts";
import { AppError } from "../http/errors.ts";
import { isCalendarDate } from "../http/fields.ts";
import { type Figures, salesFigures } from "./figures.ts";
import { checkedRange, MAX_RANGE_DAYS } from "./range.ts";
import { bakeSuggestions, SUGGESTION_WEEKS } from "./suggestions.ts";

const admin = requireRole("admin");
const guarded = { ...unauthorized, ...forbidden, ...tooMany };
const common = { tags: ["Sales analytics"], security: adminAccess, middleware: admin };

const day = z.string().openapi({ example: "2026-11-21" });
const analyticsSchema = z.object({
  from: day,
  to: day,
  revenueCents: z.number().int().openapi({ description: "Totals of orders not cancelled" }),
  orders: z.number().int().openapi({ description: "Orders not cancelled" }),
  averageOrderCents: z.number().int(),
  cancelledOrders: z.number().int(),
  discountCents: z.number().int(),
  byDay: z.array(z.object({ date: day, revenueCents: z.number().int(), orders: z.number() })),
  byHour: z.array(z.object({
    weekday: z.number().int().openapi({ description: "0 = Sunday" }),
    hour: z.number().int(),
    orders: z.number().int(),
  })),
  topProducts: z.array(z.object({
    productId: z.number().int(),
    name: z.string(),
    quantity: z.number().int(),
    revenueCents: z.number().int().openapi({ description: "Before discounts" }),
  })),
  customers: z.object({
    new: z.number().int().openapi({ description: "First order ever placed in the range" }),
    returning: z.number().int().openapi({ description: "Bought in the range, ordered before" }),
  }),
  prepMinutes: z.object({
    p50: z.number().int().nullable(),
    p90: z.number().int().nullable(),
  }).openapi({ description: "Minutes from placed to ready (null without ready orders)" }),
  onTimeRate: z.number().nullable().openapi({ description: "Share ready by the pickup time" }),
  sellThrough: z.array(z.object({
    productId: z.number().int(),
    name: z.string(),
    planned: z.number().int(),
    sold: z.number().int(),
    leftover: z.number().int(),
  })),
}).openapi("SalesAnalytics");

const suggestionsSchema = z.object({
  date: day,
  items: z.array(z.object({
    productId: z.number().int(),
    name: z.string(),
    suggested: z.number().int(),
    basis: z.string().openapi({
      example: "Sold 38–44 on the last 6 Saturdays, sold out by 11:00 three times → 51.",
    }),
  })),
}).openapi("BakeSuggestions");

const getAnalytics = createRoute({
  ...common,
  method: "get",
  path: "/admin/analytics",
  operationId: "getSalesAnalytics",
  summary: "Sales figures for a range of shop days (both ends included)",
  description:
    `Read from the rollups the worker keeps. Revenue counts every order not cancelled, by the shop-local day it was placed, in cents. At most ${MAX_RANGE_DAYS} days.`,
  request: {
    query: z.object({
      from: z.string().optional().openapi({ example: "2026-11-01" }),
      to: z.string().optional().openapi({ example: "2026-11-30" }),
    }),
  },
  responses: {
    200: json(analyticsSchema, "The figures"),
    400: problem("A missing or bad date, a range the wrong way round or too long; see `fields`"),
    ...guarded,
  },
});

const getSuggestions = createRoute({
  ...common,
  method: "get",
  path: "/admin/bake-plan/{date}/suggestions",
  operationId: "getBakeSuggestions",
  summary: "Suggested plan per daily product for a date, with the reason in words",
  description:
    `From the same weekday over the last ${SUGGESTION_WEEKS} weeks, raised where it sold out early. Nothing is applied: set the plan with setBakePlan.`,
  request: { params: dateParam },
  responses: {
    200: json(suggestionsSchema, "The suggestions"),
    400: problem("The date is not YYYY-MM-DD"),
    ...guarded,
  },
});

/** The API's shape of the figures (the dashboard shows more). */
export const analyticsJson = (f: Figures) => ({
  from: f.from,
  to: f.to,
  revenueCents: f.summary.revenueCents,
  orders: f.summary.orders,
  averageOrderCents: f.summary.averageOrderCents,
  cancelledOrders: f.summary.cancelled,
  discountCents: f.summary.discountCents,
  byDay: f.byDay,
  byHour: f.byHour.map(({ weekday, hour, orders }) => ({ weekday, hour, orders }))
    .filter((h) => h.orders > 0),
  topProducts: f.topByRevenue.map(({ productId, name, quantity, revenueCents }) => ({
    productId,
    name,
    quantity,
    revenueCents,
  })),
  customers: { new: f.customers.new, returning: f.customers.returning },
  prepMinutes: f.kitchen.prepMinutes,
  onTimeRate: f.kitchen.onTimeRate,
  sellThrough: f.sellThrough.map(({ productId, name, planned, sold, leftover }) => ({
    productId,
    name,
    planned,
    sold,
    leftover,
  })),
});

/** /api/v1/admin/analytics and the bake suggestions (admins only). */
export function analyticsApi(
  { sql, timeZone, now }: { sql: Queryable; timeZone: string; now: () => Date },
) {
  return new OpenAPIHono<AppEnv>({ defaultHook: apiHook })
    .openapi(getAnalytics, async (c) => {
      const { from, to } = c.req.valid("query");
      const range = checkedRange(from, to);
      return c.json(analyticsJson(await salesFigures(sql, range, { timeZone, now: now() })), 200);
    })
    .openapi(getSuggestions, async (c) => {
      const { date } = c.req.valid("param");
      if (!isCalendarDate(date)) {
        throw new AppError(400, "validation_failed", "Give the date as YYYY-MM-DD.", {
          date: "Give the date as YYYY-MM-DD.",
        });
      }
      const suggestions = await bakeSuggestions(sql, date, { timeZone, now: now() });
      return c.json({
        date: suggestions.date,
        items: suggestions.items.map(({ productId, name, suggested, basis }) => ({
          productId,
          name,
          suggested,
          basis,
        })),
      }, 200);
    });
}
