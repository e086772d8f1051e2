import { z } from "zod";
import { pageQuery, searchQuery, wholeNumber } from "../shared/schema.ts";
import { text } from "../../http/fields.ts";

/** Zod schemas of the stock screen: a stock change and the list's query string. */

/**
 * What a stock change does, in one choice: the direction and the reason recorded with it.
 * An absolute count is recorded with the reason "set".
 */
export const stockChanges = {
  bake: { mode: "add", reason: "bake", label: "Add: baked" },
  waste: { mode: "take", reason: "waste", label: "Take away: waste" },
  sale: { mode: "take", reason: "sale", label: "Take away: sold at the counter" },
  "correction-add": { mode: "add", reason: "correction", label: "Add: correction" },
  "correction-take": { mode: "take", reason: "correction", label: "Take away: correction" },
  set: { mode: "set", reason: "set", label: "Set to: counted" },
} as const;

export type StockChange = keyof typeof stockChanges;

export const stockFormSchema = z.object({
  change: z.enum(Object.keys(stockChanges) as [StockChange, ...StockChange[]], {
    message: "Choose what to do.",
  }),
  quantity: wholeNumber("Enter a whole number from 0 to 100000.", 0, 100_000),
  note: text().trim().max(200, "A note can be at most 200 characters."),
}).superRefine((value, ctx) => {
  if (value.change !== "set" && value.quantity === 0) {
    ctx.addIssue({ code: "custom", path: ["quantity"], message: "Enter at least 1." });
  }
});

export type StockInput = z.output<typeof stockFormSchema>;

export const stockListQuery = z.object({
  q: searchQuery,
  low: z.unknown().optional().transform((v) => v === "1"),
  page: pageQuery,
});

export type StockListQuery = z.output<typeof stockListQuery>;
