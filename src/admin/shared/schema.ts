import { z } from "zod";
import { text } from "../../http/fields.ts";

/** Schema pieces the admin screens share: slugs, whole numbers, list query strings. */

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const SLUG_MESSAGE = "Use lowercase letters a–z, digits and single dashes, like seeded-rye.";

/** "Crème brûlée — 6 pcs" → "creme-brulee-6-pcs": lowercase ASCII words joined by dashes. */
export function slugify(text: string): string {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80).replace(/-+$/, "");
}

export const wholeNumber = (message: string, min: number, max: number) =>
  z.string().trim().regex(/^\d{1,9}$/, message).transform(Number).pipe(
    z.number().min(min, message).max(max, message),
  );

export const slugField = text().trim().toLowerCase().max(
  80,
  "A slug can be at most 80 characters.",
)
  .refine((s) => s === "" || SLUG_PATTERN.test(s), SLUG_MESSAGE);

/** An empty slug is made from the name; a name with no letters or digits needs one typed. */
export function withSlug<T extends { slug: string; name: string }>(value: T, ctx: z.RefinementCtx) {
  const slug = value.slug || slugify(value.name);
  if (!slug) {
    ctx.addIssue({ code: "custom", path: ["slug"], message: SLUG_MESSAGE });
    return z.NEVER;
  }
  return { ...value, slug };
}

export const blankIsAbsent = (
  v: unknown,
) => (typeof v === "string" && v.trim() === "" ? undefined : v);
export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(blankIsAbsent, schema.optional());
/** A bad query value falls back to its default instead of failing the page. */
export const lenient = <T extends z.ZodType>(schema: T, fallback: z.output<T>) =>
  z.preprocess(blankIsAbsent, schema.optional()).catch(undefined).transform((v) => v ?? fallback);

/** `?page=`: a whole number from 1; anything else is page 1. */
export const pageQuery = lenient(z.coerce.number().int().min(1).max(10_000), 1);
/** A search box: trimmed, at most 100 characters; blank, too long or unprintable is no search. */
export const searchQuery = optional(text().trim().max(100)).catch(undefined);
