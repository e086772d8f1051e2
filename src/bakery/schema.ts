import { z } from "@hono/zod-openapi";
import { parseClock } from "./calendar.ts";
import { calendarDate, jsonRecordId, recordId, text } from "../http/fields.ts";
import { productKinds } from "./availability.ts";

/** Zod schemas of the bakery's API: dates, pickup days and slots, plans, settings, closures. */

export const DATE_MESSAGE = "Give the date as YYYY-MM-DD, for example 2026-11-21.";

/** A calendar date written YYYY-MM-DD (the shop's local date). */
export const dateSchema = calendarDate(DATE_MESSAGE).openapi({
  format: "date",
  example: "2026-11-21",
});

const blankIsAbsent = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** `?date=` on reads: optional, YYYY-MM-DD. */
export const dateQuery = z.object({
  date: z.preprocess(blankIsAbsent, dateSchema.optional()).openapi({
    param: { name: "date", in: "query" },
    description: "A pickup date (YYYY-MM-DD, the shop's local date) from today to the horizon",
    example: "2026-11-21",
  }),
});

export const requiredDateQuery = z.object({
  date: dateSchema.openapi({
    param: { name: "date", in: "query", required: true },
    description: "The pickup date (YYYY-MM-DD, the shop's local date)",
  }),
});

export const dateParam = z.object({
  date: dateSchema.openapi({ param: { name: "date", in: "path" } }),
});

export const pickupDaySchema = z.object({
  date: z.string().openapi({ example: "2026-11-21" }),
  open: z.boolean().openapi({ description: "The shop is open that day" }),
  opens: z.string().nullable().openapi({ example: "07:30" }),
  closes: z.string().nullable().openapi({ example: "17:00" }),
  reason: z.string().nullable().openapi({
    description: "Why the day is closed or takes no orders, in words for customers",
    example: null,
  }),
  orderable: z.boolean().openapi({ description: "Orders can be placed for this date now" }),
  orderBy: z.string().nullable().openapi({
    description: "When orders for this date close (the next-day cut-off), if they do",
    example: "2026-11-20T17:00:00.000Z",
  }),
}).openapi("PickupDay");

export const pickupDaysSchema = z.object({ days: z.array(pickupDaySchema) }).openapi(
  "PickupDays",
  {
    example: {
      days: [
        {
          date: "2026-11-21",
          open: true,
          opens: "07:30",
          closes: "17:00",
          reason: null,
          orderable: true,
          orderBy: null,
        },
        {
          date: "2026-11-22",
          open: false,
          opens: null,
          closes: null,
          reason: "Closed for the village fair",
          orderable: false,
          orderBy: null,
        },
      ],
    },
  },
);

export const pickupSlotsSchema = z.object({
  date: z.string(),
  open: z.boolean(),
  reason: z.string().nullable(),
  slots: z.array(z.object({
    at: z.string().openapi({ description: "The instant `pickupAt` takes" }),
    capacity: z.number().int().nullable().openapi({ description: "Null: unlimited" }),
    remaining: z.number().int().nullable().openapi({ description: "Null: unlimited" }),
    available: z.boolean().openapi({ description: "Can be chosen now" }),
  })),
}).openapi("PickupSlots", {
  example: {
    date: "2026-11-21",
    open: true,
    reason: null,
    slots: [
      { at: "2026-11-21T07:30:00.000Z", capacity: 4, remaining: 0, available: false },
      { at: "2026-11-21T07:45:00.000Z", capacity: 4, remaining: 3, available: true },
    ],
  },
});

const quantity = z.number({ message: "quantity must be a whole number" })
  .int("quantity must be a whole number").min(0, "quantity cannot be negative")
  .max(100_000, "quantity can be at most 100000");

export const planWriteSchema = z.object({
  items: z.array(z.object({
    productId: jsonRecordId("productId must be a product id"),
    quantity,
  })).min(1, "items must name at least one product").max(500),
}).openapi("BakePlanWrite", {
  example: { items: [{ productId: 1, quantity: 40 }, { productId: 6, quantity: 96 }] },
});

const weekdayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export { weekdayKeys };

export const scheduleSchema = z.object({
  kind: z.enum(productKinds, { message: `kind must be one of ${productKinds.join(", ")}` })
    .optional(),
  leadTimeHours: z.number({ message: "leadTimeHours must be a whole number" })
    .int("leadTimeHours must be a whole number").min(0, "leadTimeHours cannot be negative")
    .max(720, "leadTimeHours can be at most 720 (30 days)").optional(),
  par: z.object(
    Object.fromEntries(weekdayKeys.map((d) => [d, quantity.optional()])) as Record<
      typeof weekdayKeys[number],
      z.ZodOptional<typeof quantity>
    >,
  ).strict().optional(),
}).strict().openapi("ProductSchedule", {
  example: {
    kind: "daily",
    par: { mon: 24, tue: 24, wed: 24, thu: 24, fri: 30, sat: 40, sun: 16 },
  },
});

const cutoff = text().refine((v) => parseClock(v) !== null, {
  message: "nextDayCutoff must be a time like 18:00, or null",
});

export const settingsSchema = z.object({
  slotMinutes: z.number({ message: "slotMinutes must be a whole number" }).int()
    .min(5, "slotMinutes must be at least 5").max(240, "slotMinutes can be at most 240")
    .refine((v) => v % 5 === 0, "slotMinutes must be a multiple of 5"),
  ordersPerSlot: z.number({ message: "ordersPerSlot must be a whole number or null" }).int()
    .min(1, "ordersPerSlot must be at least 1 (null: unlimited)")
    .max(10_000, "ordersPerSlot can be at most 10000").nullable(),
  horizonDays: z.number({ message: "horizonDays must be a whole number" }).int()
    .min(1, "horizonDays must be at least 1").max(90, "horizonDays can be at most 90"),
  nextDayCutoff: cutoff.nullable(),
}).openapi("PickupSettings", {
  example: { slotMinutes: 15, ordersPerSlot: 6, horizonDays: 14, nextDayCutoff: "18:00" },
});

export const settingsWriteSchema = settingsSchema.partial().strict().openapi(
  "PickupSettingsWrite",
  { example: { ordersPerSlot: 6, nextDayCutoff: "18:00" } },
);

export const closureWriteSchema = z.object({
  from: dateSchema,
  to: dateSchema.optional().openapi({ description: "Last closed date; default: `from`" }),
  reason: text("Give a reason customers will see").trim()
    .min(1, "Give a reason customers will see").max(
      200,
      "The reason can be at most 200 characters",
    ),
}).strict().openapi("ClosureWrite", {
  example: { from: "2026-12-25", to: "2026-12-26", reason: "Closed for Christmas" },
});

export const closureSchema = z.object({
  id: z.number().int(),
  from: z.string(),
  to: z.string(),
  reason: z.string(),
}).openapi("Closure");

export const closureIdParam = z.object({
  id: recordId("Give a closure id").openapi({ param: { name: "id", in: "path" }, example: 3 }),
});
