import { z } from "zod";
import { allergens } from "../../catalog/allergens.ts";

/** Zod schemas of the admin catalog screens: product, category and stock forms, list queries. */

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SLUG_MESSAGE = "Use lowercase letters a–z, digits and single dashes, like seeded-rye.";
export const MAX_PRICE_CENTS = 10_000_000;

/** "Crème brûlée — 6 pcs" → "creme-brulee-6-pcs": lowercase ASCII words joined by dashes. */
export function slugify(text: string): string {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80).replace(/-+$/, "");
}

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

const wholeNumber = (message: string, min: number, max: number) =>
  z.string().trim().regex(/^\d{1,9}$/, message).transform(Number).pipe(
    z.number().min(min, message).max(max, message),
  );

const slugField = z.string().trim().toLowerCase().max(80, "A slug can be at most 80 characters.")
  .refine((s) => s === "" || SLUG_PATTERN.test(s), SLUG_MESSAGE);

/** An empty slug is made from the name; a name with no letters or digits needs one typed. */
function withSlug<T extends { slug: string; name: string }>(value: T, ctx: z.RefinementCtx) {
  const slug = value.slug || slugify(value.name);
  if (!slug) {
    ctx.addIssue({ code: "custom", path: ["slug"], message: SLUG_MESSAGE });
    return z.NEVER;
  }
  return { ...value, slug };
}

export const productFormSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(120, "A name can be at most 120 characters."),
  slug: slugField,
  price: priceField,
  categoryId: z.string().regex(/^\d{1,9}$/, "Choose a category.").transform(Number),
  description: z.string().trim().max(2000, "A description can be at most 2000 characters."),
  allergens: z.array(z.enum(allergens, { message: "Choose allergens from the list." })),
  lowStockThreshold: wholeNumber("Enter a whole number from 0 to 10000.", 0, 10_000),
  active: z.boolean(),
}).transform(withSlug);

export type ProductInput = z.output<typeof productFormSchema>;

export const categoryFormSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(80, "A name can be at most 80 characters."),
  slug: slugField.pipe(z.string().max(60, "A slug can be at most 60 characters.")),
  description: z.string().trim().max(500, "A description can be at most 500 characters."),
}).transform(withSlug);

export type CategoryInput = z.output<typeof categoryFormSchema>;

/**
 * What a stock change does, in one choice: the direction and the reason recorded with it.
 * An absolute count is recorded with the reason "set".
 */
export const stockChanges = {
  bake: { mode: "add", reason: "bake", label: "Add: baked" },
  waste: { mode: "take", reason: "waste", label: "Take away: waste" },
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
  note: z.string().trim().max(200, "A note can be at most 200 characters."),
}).superRefine((value, ctx) => {
  if (value.change !== "set" && value.quantity === 0) {
    ctx.addIssue({ code: "custom", path: ["quantity"], message: "Enter at least 1." });
  }
});

export type StockInput = z.output<typeof stockFormSchema>;

const blankIsAbsent = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsAbsent, schema.optional());
/** A bad query value falls back to its default instead of failing the page. */
const lenient = <T extends z.ZodType>(schema: T, fallback: z.output<T>) =>
  z.preprocess(blankIsAbsent, schema.optional()).catch(undefined).transform((v) => v ?? fallback);

const page = lenient(z.coerce.number().int().min(1).max(10_000), 1);
const search = optional(z.string().trim().max(100)).catch(undefined);

export const productSorts = ["name", "price", "stock", "updated"] as const;
export const productStatuses = ["active", "archived", "all"] as const;

export const productListQuery = z.object({
  q: search,
  category: optional(z.coerce.number().int().min(1).max(1e9)).catch(undefined),
  status: lenient(z.enum(productStatuses), "active"),
  sort: lenient(z.enum(productSorts), "name"),
  dir: optional(z.enum(["asc", "desc"])).catch(undefined),
  page,
});

export type ProductListQuery = z.output<typeof productListQuery>;

export const stockListQuery = z.object({
  q: search,
  low: z.unknown().optional().transform((v) => v === "1"),
  page,
});

export type StockListQuery = z.output<typeof stockListQuery>;

export const pageQuery = page;
