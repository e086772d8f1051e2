import { z } from "@hono/zod-openapi";
import { allergens } from "../catalog/allergens.ts";
import { productKinds } from "./availability.ts";
import { weekdayKeys } from "./schema.ts";
import { text } from "../http/fields.ts";

/** Answers of the bakery's admin API. */

export const bakePlanSchema = z.object({
  date: z.string(),
  items: z.array(z.object({
    productId: z.number().int(),
    name: z.string(),
    kind: z.enum(productKinds),
    planned: z.number().int().nullable().openapi({
      description: "The date's plan (daily products); null for products baked as ordered",
    }),
    ordered: z.number().int().openapi({ description: "Units in the date's orders" }),
    remaining: z.number().int().nullable().openapi({
      description: "Left for walk-ins (daily products); null for the others",
    }),
    followsPar: z.boolean().nullable().openapi({
      description: "The plan is the weekday's par, not set for this date by hand",
    }),
    soldOutAt: z.string().nullable().openapi({ description: "When the plan ran out, if it did" }),
    allergens: z.array(z.enum(allergens)),
  })),
  slots: z.array(z.object({
    at: z.string().openapi({ description: "Everything in the slot must be ready by then" }),
    orders: z.number().int(),
    codes: z.array(z.string()),
    items: z.array(z.object({
      productId: z.number().int(),
      name: z.string(),
      quantity: z.number().int(),
      allergens: z.array(z.enum(allergens)),
      codes: z.array(z.string()).openapi({ description: "The orders this product goes into" }),
    })),
  })),
}).openapi("BakePlan", {
  example: {
    date: "2026-11-21",
    items: [{
      productId: 6,
      name: "Butter Croissant",
      kind: "daily",
      planned: 77,
      ordered: 12,
      remaining: 65,
      followsPar: true,
      soldOutAt: null,
      allergens: ["gluten", "eggs", "milk"],
    }],
    slots: [{
      at: "2026-11-21T07:30:00.000Z",
      orders: 2,
      codes: ["A-001", "A-004"],
      items: [{
        productId: 6,
        name: "Butter Croissant",
        quantity: 6,
        allergens: ["gluten", "eggs", "milk"],
        codes: ["A-001", "A-004"],
      }],
    }],
  },
});

const parSchema = z.object(
  Object.fromEntries(weekdayKeys.map((d) => [d, z.number().int()])) as Record<
    typeof weekdayKeys[number],
    z.ZodNumber
  >,
);

export const scheduleAnswer = z.object({
  productId: z.number().int(),
  kind: z.enum(productKinds),
  leadTimeHours: z.number().int(),
  par: parSchema,
}).openapi("ProductScheduleAnswer", {
  example: {
    productId: 6,
    kind: "daily",
    leadTimeHours: 0,
    par: { mon: 48, tue: 48, wed: 48, thu: 48, fri: 60, sat: 77, sun: 29 },
  },
});

export const strandedSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  status: z.string(),
  pickupAt: z.string(),
  customerName: z.string(),
  customerEmail: z.string(),
}).openapi("OrderOnClosedDate");

const hoursSchema = z.object({
  opens: text().max(5).openapi({ example: "07:30" }),
  closes: text().max(5).openapi({ example: "17:00" }),
}).strict();

export const weekSchema = z.object(
  Object.fromEntries(weekdayKeys.map((d) => [d, hoursSchema.nullable()])) as Record<
    typeof weekdayKeys[number],
    z.ZodNullable<typeof hoursSchema>
  >,
).strict().openapi("OpeningWeek", {
  example: {
    mon: { opens: "07:00", closes: "18:30" },
    tue: { opens: "07:00", closes: "18:30" },
    wed: { opens: "07:00", closes: "18:30" },
    thu: { opens: "07:00", closes: "18:30" },
    fri: { opens: "07:00", closes: "18:30" },
    sat: { opens: "07:30", closes: "17:00" },
    sun: null,
  },
});

export const specialHoursSchema = z.object({
  opens: text().max(5).openapi({ example: "07:00" }),
  closes: text().max(5).openapi({ example: "12:00" }),
  note: text().trim().max(200, "The note can be at most 200 characters").optional(),
}).strict().openapi("SpecialHours", {
  example: { opens: "07:00", closes: "12:00", note: "Christmas Eve" },
});
