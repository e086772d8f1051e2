import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireRole } from "../accounts/middleware.ts";
import { apiHook } from "../http/api.ts";
import type { AppEnv } from "../http/env.ts";
import { AppError } from "../http/errors.ts";
import { recordId } from "../http/fields.ts";
import {
  adminAccess,
  forbidden,
  json,
  jsonBody,
  problem,
  tooMany,
  unauthorized,
} from "../http/openapi.ts";
import { type BakeList, bakeListCsv } from "./bake-list.ts";
import type { CalendarAdmin } from "./calendar-admin.ts";
import type { Planning } from "./plan.ts";
import {
  closureIdParam,
  closureSchema,
  closureWriteSchema,
  dateParam,
  planWriteSchema,
  scheduleSchema,
  settingsSchema,
  settingsWriteSchema,
} from "./schema.ts";
import { bakePlanSchema, scheduleAnswer, strandedSchema } from "./admin-schema.ts";
import { calendarRoutes } from "./calendar-api.ts";

const admin = requireRole("admin");
const guarded = { ...unauthorized, ...forbidden, ...tooMany };
const common = { tags: ["Bakery admin"], security: adminAccess, middleware: admin };

const productIdParam = z.object({
  id: recordId("Give a product id").openapi({ param: { name: "id", in: "path" }, example: 6 }),
});

const getPlan = createRoute({
  ...common,
  method: "get",
  path: "/admin/bake-plan/{date}",
  operationId: "getBakePlan",
  summary: "The bake list of a date: planned, ordered and left per product, and per slot",
  description:
    "Send `Accept: text/csv` for the same as CSV (the day's totals, then one row per slot and product).",
  request: { params: dateParam },
  responses: {
    200: {
      description: "The date's plan and orders",
      content: {
        "application/json": { schema: bakePlanSchema },
        "text/csv": { schema: z.string().openapi({ example: "date,slot,product_id,…" }) },
      },
    },
    400: problem("The date is not YYYY-MM-DD"),
    ...guarded,
  },
});

const putPlan = createRoute({
  ...common,
  method: "put",
  path: "/admin/bake-plan/{date}",
  operationId: "setBakePlan",
  summary: "Set the plan of daily products for a date (all or nothing)",
  request: { params: dateParam, ...jsonBody(planWriteSchema) },
  responses: {
    200: json(bakePlanSchema, "The date's plan as it is now"),
    400: problem("A bad date (past, more than a year ahead), product or quantity; see `fields`"),
    409: problem(
      "`plan_below_ordered`: more is already ordered for the date than a new plan; nothing changed",
    ),
    ...guarded,
  },
});

const getSchedule = createRoute({
  ...common,
  method: "get",
  path: "/admin/products/{id}/schedule",
  operationId: "getProductSchedule",
  summary: "A product's kind, lead time and weekly par",
  request: { params: productIdParam },
  responses: {
    200: json(scheduleAnswer, "The schedule"),
    400: problem("Not a product id"),
    404: problem("No such product"),
    ...guarded,
  },
});

const putSchedule = createRoute({
  ...common,
  method: "put",
  path: "/admin/products/{id}/schedule",
  operationId: "setProductSchedule",
  summary: "Change a product's kind, lead time or weekly par (each optional)",
  description:
    "Future dates that follow the par move with it; a lower par is refused while a date has more ordered than it.",
  request: { params: productIdParam, ...jsonBody(scheduleSchema) },
  responses: {
    200: json(scheduleAnswer, "The schedule as it is now"),
    400: problem("A value out of range; see `fields`"),
    404: problem("No such product"),
    409: problem("`plan_below_ordered`: a date already has more ordered than the new par"),
    ...guarded,
  },
});

const getSettings = createRoute({
  ...common,
  method: "get",
  path: "/admin/pickup-settings",
  operationId: "getPickupSettings",
  summary: "Slot length, orders per slot, horizon and next-day cut-off",
  responses: { 200: json(settingsSchema, "The settings"), ...guarded },
});

const putSettings = createRoute({
  ...common,
  method: "put",
  path: "/admin/pickup-settings",
  operationId: "setPickupSettings",
  summary: "Change pickup settings (each optional; null ordersPerSlot is unlimited)",
  request: jsonBody(settingsWriteSchema),
  responses: {
    200: json(settingsSchema, "The settings as they are now"),
    400: problem("A value out of range; see `fields`"),
    ...guarded,
  },
});

const listClosures = createRoute({
  ...common,
  method: "get",
  path: "/admin/closures",
  operationId: "listClosures",
  summary: "Closures that end today or later, with the open orders in each",
  responses: {
    200: json(
      z.object({ items: z.array(closureSchema.extend({ openOrders: z.number().int() })) }),
      "Upcoming closures",
    ),
    ...guarded,
  },
});

const addClosure = createRoute({
  ...common,
  method: "post",
  path: "/admin/closures",
  operationId: "addClosure",
  summary: "Close a date or a range, with the reason customers see",
  description:
    "Orders already placed for those dates are not touched: they are listed in the answer, to contact or cancel.",
  request: jsonBody(closureWriteSchema),
  responses: {
    201: json(
      z.object({ closure: closureSchema, orders: z.array(strandedSchema) }),
      "Closed; the open orders that fall in it",
    ),
    400: problem("A bad or past date, or a range the wrong way round; see `fields`"),
    ...guarded,
  },
});

const removeClosure = createRoute({
  ...common,
  method: "delete",
  path: "/admin/closures/{id}",
  operationId: "removeClosure",
  summary: "Open a closed date again",
  request: { params: closureIdParam },
  responses: {
    204: { description: "Removed" },
    400: problem("Not a closure id"),
    404: problem("No such closure"),
    ...guarded,
  },
});

const who = (c: Context<AppEnv>) => ({ actorId: c.get("user")!.id, ...c.get("meta") });

const planJson = (list: BakeList) => ({
  date: list.date,
  items: list.items.map((i) => ({
    productId: i.productId,
    name: i.name,
    kind: i.kind,
    planned: i.planned,
    ordered: i.ordered,
    remaining: i.remaining,
    followsPar: i.followsPar,
    soldOutAt: i.soldOutAt?.toISOString() ?? null,
    allergens: i.allergens,
  })),
  slots: list.slots.map((s) => ({
    at: s.at.toISOString(),
    orders: s.orders,
    codes: s.codes,
    items: s.items,
  })),
});

/** /api/v1/admin: plans, schedules, pickup settings and the calendar (admins only). */
export function bakeryAdminApi(
  { planning, calendar, time }: {
    planning: Planning;
    calendar: CalendarAdmin;
    time: (at: Date) => string;
  },
) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: apiHook })
    .openapi(getPlan, async (c) => {
      const list = await planning.planFor(c.req.valid("param").date);
      if (/\btext\/csv\b/.test(c.req.header("Accept") ?? "")) {
        c.header("Content-Disposition", `attachment; filename="bake-list-${list.date}.csv"`);
        return c.body(bakeListCsv(list, time), 200, { "Content-Type": "text/csv; charset=utf-8" });
      }
      return c.json(planJson(list), 200);
    })
    .openapi(putPlan, async (c) => {
      const list = await planning.setPlan(
        c.req.valid("param").date,
        c.req.valid("json").items,
        who(c),
      );
      return c.json(planJson(list), 200);
    })
    .openapi(getSchedule, async (c) => {
      const schedule = await planning.schedule(c.req.valid("param").id);
      if (!schedule) throw new AppError(404, "not_found", "That product could not be found.");
      return c.json(schedule, 200);
    })
    .openapi(putSchedule, async (c) => {
      const schedule = await planning.setSchedule(
        c.req.valid("param").id,
        c.req.valid("json"),
        who(c),
      );
      return c.json(schedule, 200);
    })
    .openapi(getSettings, async (c) => c.json(await calendar.settings(), 200))
    .openapi(putSettings, async (c) => {
      return c.json(await calendar.updateSettings(c.req.valid("json"), who(c)), 200);
    })
    .openapi(listClosures, async (c) => {
      const items = await calendar.closures();
      return c.json({ items }, 200);
    })
    .openapi(addClosure, async (c) => {
      const { closure, orders } = await calendar.addClosure(c.req.valid("json"), who(c));
      return c.json({
        closure,
        orders: orders.map((o) => ({ ...o, pickupAt: o.pickupAt.toISOString() })),
      }, 201);
    })
    .openapi(removeClosure, async (c) => {
      await calendar.removeClosure(c.req.valid("param").id, who(c));
      return c.body(null, 204);
    });
  return app.route("/", calendarRoutes({ calendar, who }));
}
