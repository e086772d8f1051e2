import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { apiHook } from "../http/api.ts";
import type { AppEnv } from "../http/env.ts";
import { json, problem, publicAccess, tooMany } from "../http/openapi.ts";
import { pickupDaysSchema, pickupSlotsSchema, requiredDateQuery } from "./schema.ts";
import type { Bakery } from "./service.ts";

const days = createRoute({
  method: "get",
  path: "/pickup/days",
  operationId: "listPickupDays",
  tags: ["Pickup"],
  summary: "The days customers can pick up, from today to the horizon",
  description:
    "Closed days are included, with the reason customers see. `orderable` says whether orders are taken for the day now (the next-day cut-off may have passed).",
  security: publicAccess,
  responses: { 200: json(pickupDaysSchema, "Today to the horizon"), ...tooMany },
});

const slots = createRoute({
  method: "get",
  path: "/pickup/slots",
  operationId: "listPickupSlots",
  tags: ["Pickup"],
  summary: "The pickup slots of a date, with their seats",
  description:
    "`at` is the instant `pickupAt` takes when ordering. `capacity` and `remaining` are null when slots take any number of orders. A closed date answers `open: false` and no slots.",
  security: publicAccess,
  request: { query: requiredDateQuery },
  responses: {
    200: json(pickupSlotsSchema, "The date's slots"),
    400: problem("The date is not YYYY-MM-DD, is past, or is beyond the horizon"),
    ...tooMany,
  },
});

/** /api/v1/pickup: the days and slots a customer can choose. */
export function pickupApi({ bakery }: { bakery: Bakery }) {
  return new OpenAPIHono<AppEnv>({ defaultHook: apiHook })
    .openapi(days, async (c) => {
      const list = await bakery.days();
      return c.json({
        days: list.map((d) => ({
          date: d.date,
          open: d.open,
          opens: d.opens,
          closes: d.closes,
          reason: d.reason,
          orderable: d.orderable,
          orderBy: d.orderBy?.toISOString() ?? null,
        })),
      }, 200);
    })
    .openapi(slots, async (c) => {
      const { date } = c.req.valid("query");
      await bakery.checkDate(date);
      const { day, slots } = await bakery.day(date);
      return c.json({
        date,
        open: day.open,
        reason: day.reason,
        slots: slots.map((s) => ({
          at: s.at.toISOString(),
          capacity: s.capacity,
          remaining: s.remaining,
          available: s.available,
        })),
      }, 200);
    });
}
