import { z } from "zod";
import { allergens } from "../../catalog/allergens.ts";
import {
  lenient,
  optional,
  pageQuery,
  searchQuery,
  slugField,
  wholeNumber,
  withSlug,
} from "../shared/schema.ts";
import { multilineText, text } from "../../http/fields.ts";

/** Zod schemas of the product screens: the product form and the list's query string. */

export const MAX_PRICE_CENTS = 10_000_000;

/** Cents → "3.40", as the price field shows it. */
export const priceText = (cents: number) =>
  `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;

/** A price typed in the shop's currency ("3.40", "3,4", "3") as cents; no float arithmetic. */
export const priceField = z.string().trim().transform((text, ctx) => {
  const fail = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  if (text === "") return fail("Enter a price, like 3.40.");
  if (/^-/.test(text)) return fail("A price cannot be negative.");
  const match = /^(\d{1,9})(?:[.,](\d+))?$/.exec(text);
  if (!match) return fail("Enter the price as a number, like 3.40.");
  const [, whole, fraction = ""] = match;
  if (fraction.length > 2) return fail("Use at most two decimals, like 3.40.");
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  if (cents > MAX_PRICE_CENTS) return fail(`A price can be at most ${priceText(MAX_PRICE_CENTS)}.`);
  return cents;
});

export const productFormSchema = z.object({
  name: text().trim().min(1, "Enter a name.").max(120, "A name can be at most 120 characters."),
  slug: slugField,
  price: priceField,
  categoryId: z.string().regex(/^\d{1,9}$/, "Choose a category.").transform(Number),
  description: multilineText().trim().max(
    2000,
    "A description can be at most 2000 characters.",
  ),
  allergens: z.array(z.enum(allergens, { message: "Choose allergens from the list." })),
  ingredients: multilineText().trim().max(
    2000,
    "The ingredients can be at most 2000 characters.",
  ),
  lowStockThreshold: wholeNumber("Enter a whole number from 0 to 10000.", 0, 10_000),
  active: z.boolean(),
}).transform(withSlug);

export type ProductInput = z.output<typeof productFormSchema>;

export const productSorts = ["name", "price", "stock", "updated"] as const;
export const productStatuses = ["active", "archived", "all"] as const;

export const productListQuery = z.object({
  q: searchQuery,
  category: optional(z.coerce.number().int().min(1).max(1e9)).catch(undefined),
  status: lenient(z.enum(productStatuses), "active"),
  sort: lenient(z.enum(productSorts), "name"),
  dir: optional(z.enum(["asc", "desc"])).catch(undefined),
  page: pageQuery,
});

export type ProductListQuery = z.output<typeof productListQuery>;
