import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireRole } from "../accounts/middleware.ts";
import { apiHook } from "../http/api.ts";
import type { AppEnv } from "../http/env.ts";
import {
  adminAccess,
  forbidden,
  json,
  jsonBody,
  problem,
  tooMany,
  unauthorized,
} from "../http/openapi.ts";
import type { CalendarAdmin } from "./calendar-admin.ts";
import type { Who } from "./plan.ts";
import { specialHoursSchema, weekSchema } from "./admin-schema.ts";
import { dateParam } from "./schema.ts";

const guarded = { ...unauthorized, ...forbidden, ...tooMany };
const common = {
  tags: ["Bakery admin"],
  security: adminAccess,
  middleware: requireRole("admin"),
};

const getWeek = createRoute({
  ...common,
  method: "get",
  path: "/admin/opening-hours",
  operationId: "getOpeningHours",
  summary: "The usual week's opening hours (null: closed that day)",
  responses: { 200: json(weekSchema, "The usual week"), ...guarded },
});

const putWeek = createRoute({
  ...common,
  method: "put",
  path: "/admin/opening-hours",
  operationId: "setOpeningHours",
  summary: "Set the usual week's opening hours (every day; null: closed)",
  request: jsonBody(weekSchema),
  responses: {
    200: json(weekSchema, "The usual week as it is now"),
    400: problem("A time that is not HH:MM, or closing before opening; see `fields`"),
    ...guarded,
  },
});

const putSpecial = createRoute({
  ...common,
  method: "put",
  path: "/admin/special-hours/{date}",
  operationId: "setSpecialHours",
  summary: "Other opening hours for one date",
  request: { params: dateParam, ...jsonBody(specialHoursSchema) },
  responses: {
    200: json(specialHoursSchema.extend({ date: z.string() }), "The date's hours"),
    400: problem("A bad or past date, or bad times; see `fields`"),
    ...guarded,
  },
});

const deleteSpecial = createRoute({
  ...common,
  method: "delete",
  path: "/admin/special-hours/{date}",
  operationId: "removeSpecialHours",
  summary: "The date goes back to the usual week's hours",
  request: { params: dateParam },
  responses: {
    204: { description: "Removed" },
    400: problem("Not a date"),
    404: problem("The date has no special hours"),
    ...guarded,
  },
});

/** The usual week and special hours of the opening calendar (closures are beside plans). */
export function calendarRoutes(
  { calendar, who }: { calendar: CalendarAdmin; who: (c: Context<AppEnv>) => Who },
) {
  return new OpenAPIHono<AppEnv>({ defaultHook: apiHook })
    .openapi(getWeek, async (c) => c.json(await calendar.week(), 200))
    .openapi(putWeek, async (c) => c.json(await calendar.setWeek(c.req.valid("json"), who(c)), 200))
    .openapi(putSpecial, async (c) => {
      const { date } = c.req.valid("param");
      return c.json(await calendar.setSpecialHours(date, c.req.valid("json"), who(c)), 200);
    })
    .openapi(deleteSpecial, async (c) => {
      await calendar.removeSpecialHours(c.req.valid("param").date, who(c));
      return c.body(null, 204);
    });
}
